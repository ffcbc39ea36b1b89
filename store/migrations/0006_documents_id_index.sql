-- Articles are stored in their rows, so each row of documents fills about a
-- page: counting or walking documents by id is far faster through this
-- small index than through the table.
CREATE INDEX documents_id ON documents(id);
