#!/usr/bin/env python3
"""Checks exported files as a Python user meets them (standard library only).

usage: check_export.py DOCCANO.jsonl CSV.csv STANCE.jsonl [PRODIGY.jsonl]
       check_export.py --targets TARGETS.jsonl

Every span's offsets are code points into the document's text, so that
text[start:end] is the span's text: in the CSV (every row with offsets and
a text), the stance file (quotes), the doccano file (every span lies
inside its text) and the prodigy file (every token is text[start:end], and
every span starts and ends on its tokens' boundaries). Every key has one type in every JSON line. Prints one
line per file checked; exits 1 naming the first problem.
"""
import csv
import json
import sys


def fail(msg):
    print("check_export: " + msg, file=sys.stderr)
    sys.exit(1)


def json_lines(path):
    types = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            for k, v in rec.items():
                t = type(v).__name__
                if types.setdefault(k, t) != t:
                    fail(f"{path}:{n}: key {k!r} is {t}, elsewhere {types[k]}")
            yield n, rec


def main(doccano, table, stance, prodigy=None):
    texts = {}
    spans = 0
    for n, rec in json_lines(doccano):
        text = rec["text"]
        texts[rec["id"]] = text
        for start, end, label in rec["label"]:
            if not (0 <= start < end <= len(text)):
                fail(f"{doccano}:{n}: span [{start}, {end}) {label} outside a text of {len(text)} characters")
            spans += 1
    print(f"{doccano}: {len(texts)} documents, {spans} spans inside their texts")
    rows = 0
    with open(table, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            if row["start"] == "":
                continue
            text = texts[int(row["doc_id"])]
            start, end = int(row["start"]), int(row["end"])
            want = row["text"]
            if want.startswith("'") and text[start:end] == want[1:]:
                want = want[1:]  # kept from being read as a formula
            if text[start:end] != want:
                fail(f"{table}:{n}: text[{start}:{end}] is {text[start:end]!r}, the row says {row['text']!r}")
            rows += 1
    print(f"{table}: {rows} rows whose text[start:end] is their text")
    quotes = 0
    for n, rec in json_lines(stance):
        if rec["kind"] != "quote":
            continue
        text = texts[rec["doc_id"]]
        if text[rec["start"]:rec["end"]] != rec["text"]:
            fail(f"{stance}:{n}: text[{rec['start']}:{rec['end']}] is not the quote")
        quotes += 1
    print(f"{stance}: {quotes} quote stances whose text[start:end] is their quote")
    if prodigy is None:
        return
    tokens = spans = 0
    for n, rec in json_lines(prodigy):
        text = rec["text"]
        toks = rec.get("tokens")
        if toks is None:
            continue  # a choice task
        for tok in toks:
            if text[tok["start"]:tok["end"]] != tok["text"]:
                fail(f"{prodigy}:{n}: token {tok['id']} is not text[{tok['start']}:{tok['end']}]")
            tokens += 1
        for sp in rec["spans"]:
            if toks[sp["token_start"]]["start"] != sp["start"] or toks[sp["token_end"]]["end"] != sp["end"]:
                fail(f"{prodigy}:{n}: span [{sp['start']}, {sp['end']}) {sp['label']} is not on its tokens' boundaries")
            spans += 1
    print(f"{prodigy}: {tokens} tokens, {spans} spans on token boundaries")


def targets(path):
    """A targets (NewsMTSC-style) file: every mention is text[from:to]."""
    mentions = 0
    for n, rec in json_lines(path):
        text = rec["sentence_normalized"]
        for m in rec["targets"]:
            if text[m["from"]:m["to"]] != m["mention"]:
                fail(f"{path}:{n}: text[{m['from']}:{m['to']}] is {text[m['from']:m['to']]!r}, not {m['mention']!r}")
            mentions += 1
    print(f"{path}: {mentions} mentions whose text[from:to] is their mention")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--targets":
        targets(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) not in (4, 5):
        fail("usage: check_export.py DOCCANO.jsonl CSV.csv STANCE.jsonl [PRODIGY.jsonl] | --targets TARGETS.jsonl")
    main(*sys.argv[1:])
