package store

// The layers of a merge: which (document, annotator) pairs the other project
// has work in, how that work compares with this project's, and copying it.

import (
	"fmt"
	"strings"
)

// pairs lists the (document, annotator) pairs the other project has
// anything of, and marks those this project has nothing of (action 1).
func (m *merger) pairs() error {
	m.begin("layers")
	for _, q := range []string{
		`INSERT INTO m_pair(odoc, oann, hdoc, hann, gold)
		SELECT p.doc_id, p.annotator_id, d.hid, a.hid, a.gold FROM (
			SELECT doc_id, annotator_id FROM o.layers
			UNION SELECT doc_id, annotator_id FROM o.layer_targets
			UNION SELECT doc_id, annotator_id FROM o.layer_spans
			UNION SELECT doc_id, annotator_id FROM o.labels
			UNION SELECT doc_id, annotator_id FROM o.doc_status
			UNION SELECT doc_id, annotator_id FROM o.events WHERE replaced_in IS NULL) p
		JOIN m_doc d ON d.oid = p.doc_id JOIN m_ann a ON a.oid = p.annotator_id
		ORDER BY p.doc_id, p.annotator_id`,
		// pre: the document's pre-tags came with this merge, so its
		// suggested spans' ids are the other's plus an offset.
		"UPDATE m_pair SET pre = 1 WHERE odoc IN (SELECT oid FROM m_pre)",
		// Covering: copying a row finds everything it needs here.
		"CREATE UNIQUE INDEX temp.m_pair_o ON m_pair(odoc, oann, action, hdoc, hann, pre)",
		`CREATE TEMP TABLE h_ev AS SELECT DISTINCT doc_id, annotator_id FROM main.events
			WHERE replaced_in IS NULL AND annotator_id IN (SELECT DISTINCT hann FROM m_pair)`,
		"CREATE INDEX temp.h_ev_i ON h_ev(doc_id, annotator_id)",
		`UPDATE m_pair SET action = 1 WHERE
			NOT EXISTS (SELECT 1 FROM main.layers x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.layer_targets x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.layer_spans x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.labels x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM main.doc_status x WHERE x.doc_id = hdoc AND x.annotator_id = hann) AND
			NOT EXISTS (SELECT 1 FROM h_ev x WHERE x.doc_id = hdoc AND x.annotator_id = hann)`,
	} {
		if _, err := m.exec(q); err != nil {
			return err
		}
	}
	return nil
}

// suggestion is the SQL for the suggested span here of the other's span s
// in pair p (NULL if none).
func (m *merger) suggestion(p, s string) string {
	return fmt.Sprintf("(CASE WHEN %[1]s.pre = 1 THEN %[2]s.suggestion_id + %[3]d ELSE (SELECT hid FROM m_sugg WHERE oid = %[2]s.suggestion_id) END)", p, s, m.soff)
}

// compare decides, for each pair both projects have work in, whether the
// work is the same (action 3), to be replaced by the other's newer work
// (2), or kept (4). Work is compared without ids: targets and spans by their
// order in the layer, labels by the unit they label, suggestions by what
// they suggest.
func (m *merger) compare() error {
	var n int
	if err := m.tx.QueryRowContext(m.ctx, "SELECT count(*) FROM m_pair WHERE action = 0").Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	m.begin("compare")
	type side struct {
		db, doc, ann, sugg, sv, fp string
	}
	for _, s := range []side{
		// Suggestions compare by their id here: the other's mapped as a
		// copy would map it.
		{"main", "hdoc", "hann", "s.suggestion_id", "l.schema_version", "fp_h"},
		{"o", "odoc", "oann", m.suggestion("p", "s"),
			"coalesce((SELECT hv FROM m_schema WHERE ov = l.schema_version), l.schema_version)", "fp_o"},
	} {
		r := strings.NewReplacer("S.", s.db+".", "DOC", s.doc, "ANN", s.ann, "SUGG", s.sugg, "SV", s.sv, "FP", s.fp)
		for _, q := range []string{
			"DROP TABLE IF EXISTS temp.fx_t", "DROP TABLE IF EXISTS temp.fx_s", "DROP TABLE IF EXISTS temp.fx_l", "DROP TABLE IF EXISTS temp.fx_e",
			`CREATE TEMP TABLE fx_t AS SELECT p.id AS pid, t.id AS tid, row_number() OVER (PARTITION BY p.id ORDER BY t.id) AS r,
				t.name, t.label, t.suggested_ord, t.deleted
				FROM m_pair p JOIN S.layer_targets t ON t.doc_id = p.DOC AND t.annotator_id = p.ANN WHERE p.action = 0`,
			"CREATE INDEX temp.fx_t_tid ON fx_t(tid)",
			"CREATE INDEX temp.fx_t_pid ON fx_t(pid, r)",
			`CREATE TEMP TABLE fx_s AS SELECT p.id AS pid, s.id AS sid, row_number() OVER (PARTITION BY p.id ORDER BY s.id) AS r,
				s.kind||'|'||s.start||'|'||s.end||'|'||s.label||'|'||ifnull(t.r, '-')||'|'||ifnull(s.speaker_start, '-')||'|'||
				ifnull(s.speaker_end, '-')||'|'||ifnull(SUGG, '-')||'|'||s.decision||'|'||ifnull(s.cue_start, '-')||'|'||
				ifnull(s.cue_end, '-')||'|'||ifnull(s.fragments, '-') AS fp
				FROM m_pair p JOIN S.layer_spans s ON s.doc_id = p.DOC AND s.annotator_id = p.ANN
				LEFT JOIN fx_t t ON t.tid = s.target_id AND t.pid = p.id
				WHERE p.action = 0`,
			"CREATE INDEX temp.fx_s_sid ON fx_s(sid)",
			"CREATE INDEX temp.fx_s_pid ON fx_s(pid, r)",
			`CREATE TEMP TABLE fx_l AS SELECT pid, task, unit, fp FROM (SELECT p.id AS pid, l.task,
				CASE WHEN l.unit GLOB 't[0-9]*' THEN 't'||t.r WHEN l.unit GLOB 'q[0-9]*' THEN 'q'||q.r ELSE l.unit END AS unit,
				l.value||'|'||ifnull(w.r, '-')||'|'||SV||'|'||l.updated_at AS fp
				FROM m_pair p JOIN S.labels l ON l.doc_id = p.DOC AND l.annotator_id = p.ANN
				LEFT JOIN fx_t t ON l.unit GLOB 't[0-9]*' AND t.tid = CAST(substr(l.unit, 2) AS INTEGER) AND t.pid = p.id
				LEFT JOIN fx_s q ON l.unit GLOB 'q[0-9]*' AND q.sid = CAST(substr(l.unit, 2) AS INTEGER) AND q.pid = p.id
				LEFT JOIN fx_t w ON w.tid = l.towards AND w.pid = p.id
				WHERE p.action = 0) WHERE unit IS NOT NULL`,
			"CREATE INDEX temp.fx_l_pid ON fx_l(pid, task, unit)",
			`CREATE TEMP TABLE fx_e AS SELECT doc_id, annotator_id, max(julianday(at)) AS at FROM S.events
				WHERE replaced_in IS NULL AND annotator_id IN (SELECT ANN FROM m_pair WHERE action = 0)
				GROUP BY doc_id, annotator_id`,
			"CREATE INDEX temp.fx_e_i ON fx_e(doc_id, annotator_id)",
			`CREATE TEMP TABLE FP AS SELECT p.id AS pid,
				coalesce((SELECT group_concat(r||'|'||name||'|'||label||'|'||ifnull(suggested_ord, '-')||'|'||deleted, char(30) ORDER BY r)
					FROM fx_t WHERE pid = p.id), '')||char(29)||
				coalesce((SELECT group_concat(fp, char(30) ORDER BY r) FROM fx_s WHERE pid = p.id), '')||char(29)||
				coalesce((SELECT group_concat(task||'|'||unit||'|'||fp, char(30) ORDER BY task, unit) FROM fx_l WHERE pid = p.id), '')||char(29)||
				coalesce((SELECT status||'|'||updated_at||'|'||seconds FROM S.doc_status WHERE doc_id = p.DOC AND annotator_id = p.ANN), '') AS fp,
				max(coalesce((SELECT max(julianday(updated_at)) FROM S.labels WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0),
					coalesce((SELECT julianday(updated_at) FROM S.doc_status WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0),
					coalesce((SELECT julianday(seeded_at) FROM S.layers WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0),
					coalesce((SELECT at FROM fx_e WHERE doc_id = p.DOC AND annotator_id = p.ANN), 0)) AS latest
				FROM m_pair p WHERE p.action = 0`,
			"CREATE UNIQUE INDEX temp.FP_pid ON FP(pid)",
		} {
			if _, err := m.exec(r.Replace(q)); err != nil {
				return err
			}
		}
	}
	_, err := m.exec(`UPDATE m_pair SET action = (SELECT CASE
			WHEN h.fp = x.fp THEN 3
			WHEN m_pair.gold = 0 AND x.latest > h.latest THEN 2
			ELSE 4 END
		FROM fp_h h JOIN fp_o x ON x.pid = h.pid WHERE h.pid = m_pair.id)
		WHERE action = 0`)
	return err
}

// copyLayers replaces this project's layers that lost to newer work there,
// and copies every layer that is new here, with new ids.
func (m *merger) copyLayers(st *MergeStats, mergeID int64) error {
	rows, err := m.query("SELECT action, count(*) FROM m_pair GROUP BY action")
	if err != nil {
		return err
	}
	for rows.Next() {
		var action, n int
		if err := rows.Scan(&action, &n); err != nil {
			rows.Close()
			return err
		}
		switch action {
		case 1:
			st.LayersAdded = n
		case 2:
			st.LayersUpdated = n
		case 3:
			st.LayersUnchanged = n
		case 4:
			st.LayersKept = n
		}
	}
	rows.Close()
	if st.LayersUpdated > 0 {
		m.begin("replace")
		const pairs = "(doc_id, annotator_id) IN (SELECT hdoc, hann FROM m_pair WHERE action = 2)"
		for _, q := range []string{
			"DELETE FROM main.labels WHERE " + pairs,
			"DELETE FROM main.layer_spans WHERE " + pairs,
			"DELETE FROM main.layer_targets WHERE " + pairs,
			"DELETE FROM main.doc_status WHERE " + pairs,
			"DELETE FROM main.layers WHERE " + pairs,
		} {
			if _, err := m.exec(q); err != nil {
				return err
			}
		}
		if _, err := m.exec("UPDATE main.events SET replaced_in = ? WHERE replaced_in IS NULL AND "+pairs, mergeID); err != nil {
			return err
		}
	}
	if st.LayersAdded+st.LayersUpdated == 0 {
		return nil
	}
	m.begin("copy")
	// New ids are the other's plus an offset past this project's largest,
	// so a reference (a span's target, a label's unit) is mapped by
	// arithmetic, not looked up; ids keep their order.
	var toff, soff int64
	if err := m.tx.QueryRowContext(m.ctx, "SELECT coalesce(max(id), 0) FROM main.layer_targets").Scan(&toff); err != nil {
		return err
	}
	if err := m.tx.QueryRowContext(m.ctx, "SELECT coalesce(max(id), 0) FROM main.layer_spans").Scan(&soff); err != nil {
		return err
	}
	const copying = "p.action IN (1, 2)"
	steps := []struct {
		step, q string
		args    []any
		count   *int
	}{
		{"copy", `INSERT INTO main.layers(doc_id, annotator_id, seeded_at, engine)
			SELECT p.hdoc, p.hann, l.seeded_at, l.engine FROM m_pair p JOIN o.layers l ON l.doc_id = p.odoc AND l.annotator_id = p.oann
			WHERE ` + copying + ` ORDER BY p.hdoc, p.hann`, nil, nil},
		{"targets", `INSERT INTO main.layer_targets(id, doc_id, annotator_id, name, label, suggested_ord, deleted)
			SELECT t.id + ?1, p.hdoc, p.hann, t.name, t.label, t.suggested_ord, t.deleted
			FROM o.layer_targets t JOIN m_pair p ON p.odoc = t.doc_id AND p.oann = t.annotator_id
			WHERE ` + copying + ` ORDER BY t.id`, []any{toff}, &st.Targets},
		// A span's target is in its own layer, copied with it.
		{"spans", `INSERT INTO main.layer_spans(id, doc_id, annotator_id, kind, start, end, label, target_id, speaker_start, speaker_end,
				suggestion_id, decision, cue_start, cue_end, fragments)
			SELECT s.id + ?2, p.hdoc, p.hann, s.kind, s.start, s.end, s.label, s.target_id + ?1, s.speaker_start, s.speaker_end,
				` + m.suggestion("p", "s") + `, s.decision, s.cue_start, s.cue_end, s.fragments
			FROM o.layer_spans s JOIN m_pair p ON p.odoc = s.doc_id AND p.oann = s.annotator_id
			WHERE ` + copying + ` ORDER BY s.id`, []any{toff, soff}, &st.Spans},
		// A label of a target or quote that is not in its layer there (a
		// quote since deleted) is not brought.
		{"labels", `INSERT INTO main.labels(doc_id, annotator_id, task, unit, value, towards, schema_version, updated_at)
			SELECT p.hdoc, p.hann, l.task,
				CASE WHEN l.unit GLOB 't[0-9]*' THEN 't'||(t.id + ?1) WHEN l.unit GLOB 'q[0-9]*' THEN 'q'||(q.id + ?2) ELSE l.unit END,
				l.value, w.id + ?1, coalesce(v.hv, l.schema_version), l.updated_at
			FROM m_pair p JOIN o.labels l ON l.doc_id = p.odoc AND l.annotator_id = p.oann
			LEFT JOIN o.layer_targets t ON l.unit GLOB 't[0-9]*' AND t.id = CAST(substr(l.unit, 2) AS INTEGER)
				AND t.doc_id = l.doc_id AND t.annotator_id = l.annotator_id
			LEFT JOIN o.layer_spans q ON l.unit GLOB 'q[0-9]*' AND q.id = CAST(substr(l.unit, 2) AS INTEGER)
				AND q.doc_id = l.doc_id AND q.annotator_id = l.annotator_id
			LEFT JOIN o.layer_targets w ON w.id = l.towards AND w.doc_id = l.doc_id AND w.annotator_id = l.annotator_id
			LEFT JOIN m_schema v ON v.ov = l.schema_version
			WHERE ` + copying + ` AND NOT (l.unit GLOB 't[0-9]*' AND t.id IS NULL) AND NOT (l.unit GLOB 'q[0-9]*' AND q.id IS NULL)
			ORDER BY p.hdoc, p.hann`, []any{toff, soff}, &st.Labels},
		{"statuses", `INSERT INTO main.doc_status(doc_id, annotator_id, status, updated_at, seconds)
			SELECT p.hdoc, p.hann, s.status, s.updated_at, s.seconds FROM m_pair p
			JOIN o.doc_status s ON s.doc_id = p.odoc AND s.annotator_id = p.oann WHERE ` + copying + ` ORDER BY p.hdoc, p.hann`, nil, &st.Statuses},
		{"events", `INSERT INTO main.events(annotator_id, doc_id, at, action, changes, undone, by_annotator, merged_in)
			SELECT p.hann, p.hdoc, e.at, e.action, e.changes, e.undone, b.hid, ?1
			FROM o.events e JOIN m_pair p ON p.odoc = e.doc_id AND p.oann = e.annotator_id
			LEFT JOIN m_ann b ON b.oid = e.by_annotator
			WHERE ` + copying + ` AND e.replaced_in IS NULL ORDER BY e.id`, []any{mergeID}, &st.Events},
	}
	for _, s := range steps {
		if s.step != m.step {
			m.begin(s.step)
		}
		n, err := m.exec(s.q, s.args...)
		if err != nil {
			return err
		}
		if s.count != nil {
			*s.count = n
		}
	}
	var all int
	if err := m.tx.QueryRowContext(m.ctx, m.rewrite(`SELECT count(*) FROM m_pair p JOIN o.labels l
		ON l.doc_id = p.odoc AND l.annotator_id = p.oann WHERE `+copying)).Scan(&all); err != nil {
		return err
	}
	st.LabelsDropped = all - st.Labels
	return nil
}
