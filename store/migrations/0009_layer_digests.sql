-- Layer digests: an annotator's layer of a document (targets, spans,
-- labels and the token labels agreement needs) in one compact row, so that
-- agreement and review read one row per layer instead of about a hundred.
-- Any change to a layer's rows deletes its digest and its document's stats
-- (the triggers below, whoever writes); writers rebuild missing digests
-- (store/digest.go), and readers load a layer without one from its rows.
-- (A rowid table: a digest of a few kilobytes stays in its page, where a
-- WITHOUT ROWID row of more than about a kilobyte spills to overflow pages.)
CREATE TABLE layer_digests (
	doc_id       INTEGER NOT NULL,
	annotator_id INTEGER NOT NULL,
	data         BLOB    NOT NULL,
	PRIMARY KEY (doc_id, annotator_id)
);

-- Document stats: what a document adds to the agreement report over the
-- annotators who finished it (review.DocStat: its units with their values
-- and gold's, each pair's span agreement, token label patterns), so that
-- agreement and review read one row per document. Dropped with any change
-- to the document's layers, digests or statuses, or to the schema.
CREATE TABLE doc_stats (
	doc_id INTEGER PRIMARY KEY,
	data   BLOB NOT NULL
);
-- The units, names and gold values of a document's stats, which the review
-- lists and agreement does not read: apart, so that agreement reads less.
CREATE TABLE doc_units (
	doc_id INTEGER PRIMARY KEY,
	data   BLOB NOT NULL
);
CREATE TRIGGER doc_stats_units_delete AFTER DELETE ON doc_stats BEGIN
	DELETE FROM doc_units WHERE doc_id = OLD.doc_id;
END;

CREATE TRIGGER labels_digest_insert AFTER INSERT ON labels BEGIN
	DELETE FROM layer_digests WHERE doc_id = NEW.doc_id AND annotator_id = NEW.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER labels_digest_update AFTER UPDATE ON labels BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.doc_id AND annotator_id = OLD.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
	DELETE FROM layer_digests WHERE doc_id = NEW.doc_id AND annotator_id = NEW.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER labels_digest_delete AFTER DELETE ON labels BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.doc_id AND annotator_id = OLD.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
END;

CREATE TRIGGER layer_spans_digest_insert AFTER INSERT ON layer_spans BEGIN
	DELETE FROM layer_digests WHERE doc_id = NEW.doc_id AND annotator_id = NEW.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER layer_spans_digest_update AFTER UPDATE ON layer_spans BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.doc_id AND annotator_id = OLD.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
	DELETE FROM layer_digests WHERE doc_id = NEW.doc_id AND annotator_id = NEW.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER layer_spans_digest_delete AFTER DELETE ON layer_spans BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.doc_id AND annotator_id = OLD.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
END;

CREATE TRIGGER layer_targets_digest_insert AFTER INSERT ON layer_targets BEGIN
	DELETE FROM layer_digests WHERE doc_id = NEW.doc_id AND annotator_id = NEW.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER layer_targets_digest_update AFTER UPDATE ON layer_targets BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.doc_id AND annotator_id = OLD.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
	DELETE FROM layer_digests WHERE doc_id = NEW.doc_id AND annotator_id = NEW.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER layer_targets_digest_delete AFTER DELETE ON layer_targets BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.doc_id AND annotator_id = OLD.annotator_id;
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
END;

-- A document's text never changes once imported, but if it did, every
-- layer's token labels would be stale.
CREATE TRIGGER documents_digest_update AFTER UPDATE OF text ON documents BEGIN
	DELETE FROM layer_digests WHERE doc_id = OLD.id;
END;

-- Document stats follow their digests and statuses.
CREATE TRIGGER layer_digests_docstat_insert AFTER INSERT ON layer_digests BEGIN
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER layer_digests_docstat_update AFTER UPDATE ON layer_digests BEGIN
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id OR doc_id = NEW.doc_id;
END;
CREATE TRIGGER layer_digests_docstat_delete AFTER DELETE ON layer_digests BEGIN
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
END;
CREATE TRIGGER doc_status_docstat_insert AFTER INSERT ON doc_status BEGIN
	DELETE FROM doc_stats WHERE doc_id = NEW.doc_id;
END;
CREATE TRIGGER doc_status_docstat_update AFTER UPDATE ON doc_status BEGIN
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id OR doc_id = NEW.doc_id;
END;
CREATE TRIGGER doc_status_docstat_delete AFTER DELETE ON doc_status BEGIN
	DELETE FROM doc_stats WHERE doc_id = OLD.doc_id;
END;
CREATE TRIGGER schemas_docstat_insert AFTER INSERT ON schemas BEGIN
	DELETE FROM doc_stats;
	DELETE FROM doc_units;
END;
