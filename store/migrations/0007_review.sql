-- Review and teams: annotators get a random id (so that two people under
-- one name are told apart when projects are merged) and a record of when
-- they first saw other annotators' labels (they are no longer blind);
-- quotes keep their cue and, for a discontinuous quote (brat), its
-- fragments; an event can be made by someone for a reserved annotator
-- (a reviewer deciding gold).
ALTER TABLE annotators ADD COLUMN uid TEXT;
UPDATE annotators SET uid = lower(hex(randomblob(8))) WHERE uid IS NULL;
CREATE UNIQUE INDEX annotators_uid ON annotators(uid);
ALTER TABLE annotators ADD COLUMN unblinded_at TEXT;

ALTER TABLE layer_spans ADD COLUMN cue_start INTEGER;
ALTER TABLE layer_spans ADD COLUMN cue_end INTEGER;
-- JSON [[start, end], ...] in code points when the quote is in pieces; NULL otherwise.
ALTER TABLE layer_spans ADD COLUMN fragments TEXT;

ALTER TABLE events ADD COLUMN by_annotator INTEGER REFERENCES annotators(id);
