#!/usr/bin/env python3
"""Expand the compact people source format into people.tsv.

Source lines (files given on the command line, '#' = comment):
    name^aliases^country^role~start~end[~sector[~country]]^...
sector defaults to GOV, the role's country to the person's country.
The sector defaults to GOV. For every name and alias an accent-free variant is
added when it differs. Output: people.tsv layout (see data/actors/README.md).
This is a one-off authoring helper; people.tsv is the checked-in source of truth.
"""
import sys
import unicodedata


def fold(s):
    s = s.replace("ı", "i").replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def main(paths):
    out = ["# People with dated roles. One row per (person, role). See README.md.",
           "name\taliases\tcountry\tsectors\trole\tstart\tend"]
    for path in paths:
        out.append("# --- %s ---" % path.rsplit("/", 1)[-1].split(".")[0].split("_", 1)[-1])
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("^")
            name, aliases, country = parts[0].strip(), parts[1], parts[2].strip()
            al = []
            for a in [x.strip() for x in aliases.split("|") if x.strip()]:
                for v in (a, fold(a)):
                    if v not in al and v != name:
                        al.append(v)
            fn = fold(name)
            if fn != name and fn not in al:
                al.append(fn)
            if len(parts) < 4:
                raise SystemExit("no role: " + line)
            for r in parts[3:]:
                f = r.split("~")
                if len(f) == 3:
                    f.append("GOV")
                if len(f) == 4:
                    f.append(country)
                role, start, end, sec, ctry = [x.strip() for x in f]
                out.append("\t".join([name, "|".join(al), ctry or country, sec or "GOV", role, start, end]))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
