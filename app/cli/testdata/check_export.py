#!/usr/bin/env python3
"""Checks exported files as a Python user meets them (standard library only).

usage: check_export.py DOCCANO.jsonl CSV.csv STANCE.jsonl

Every span's offsets are code points into the document's text, so that
text[start:end] is the span's text: in the CSV (every row with offsets and
a text), the stance file (quotes), and the doccano file (every span lies
inside its text). Every key has one type in every JSON line. Prints one
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


def main(doccano, table, stance):
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


if __name__ == "__main__":
    if len(sys.argv) != 4:
        fail("usage: check_export.py DOCCANO.jsonl CSV.csv STANCE.jsonl")
    main(*sys.argv[1:])
