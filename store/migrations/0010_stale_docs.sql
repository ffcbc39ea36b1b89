-- Stale documents: every document that may lack a layer digest or its
-- stats, so that refreshing them (store/digest.go) and checking that the
-- stats are complete read this short list instead of every layer of the
-- project. The triggers below add a document whenever one of its digests
-- or its stats is dropped, or a status is set; only a refresh that finds
-- the document complete removes it.
CREATE TABLE stale_docs (
	doc_id INTEGER PRIMARY KEY
);

CREATE TRIGGER layer_digests_stale_delete AFTER DELETE ON layer_digests BEGIN
	INSERT OR IGNORE INTO stale_docs(doc_id) VALUES (OLD.doc_id);
END;
CREATE TRIGGER doc_stats_stale_delete AFTER DELETE ON doc_stats BEGIN
	INSERT OR IGNORE INTO stale_docs(doc_id) VALUES (OLD.doc_id);
END;
CREATE TRIGGER doc_status_stale_insert AFTER INSERT ON doc_status BEGIN
	INSERT OR IGNORE INTO stale_docs(doc_id) VALUES (NEW.doc_id);
END;
CREATE TRIGGER doc_status_stale_update AFTER UPDATE ON doc_status BEGIN
	INSERT OR IGNORE INTO stale_docs(doc_id) VALUES (OLD.doc_id);
	INSERT OR IGNORE INTO stale_docs(doc_id) VALUES (NEW.doc_id);
END;
CREATE TRIGGER doc_status_stale_delete AFTER DELETE ON doc_status BEGIN
	INSERT OR IGNORE INTO stale_docs(doc_id) VALUES (OLD.doc_id);
END;

INSERT OR IGNORE INTO stale_docs(doc_id)
	SELECT s.doc_id FROM doc_status s
	WHERE NOT EXISTS (SELECT 1 FROM layer_digests d WHERE d.doc_id = s.doc_id AND d.annotator_id = s.annotator_id)
	   OR (s.status = 'done' AND NOT EXISTS (SELECT 1 FROM doc_stats t WHERE t.doc_id = s.doc_id));

-- Stats written before this version lack the span layers' review units
-- (annotate/review: entity and quote spans where annotators differ): they
-- are dropped, and so marked stale, to be built again.
DELETE FROM doc_stats;
