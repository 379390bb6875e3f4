"""The claims stage: quotes, reported speech, unattributed claims, speakers; dev-set floors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli, shared

BASELINES = json.loads((ROOT / "tests" / "baselines.json").read_text())


def claims_of(doc) -> list[dict]:
    out = []
    for c in doc._.ew.claims:
        out.append({
            "speaker": doc[c.speaker_start:c.speaker_end].text if c.speaker_start is not None else None,
            "actor": c.speakers[0] if c.speakers else None,
            "cue": doc[c.cue:c.cue_end].text,
            "content": doc[c.content_start:c.content_end].text,
            "rule": c.rule,
        })
    return out


def one(claims: list[dict], content_word: str) -> dict:
    found = [c for c in claims if content_word in c["content"]]
    assert found, f"no claim holds {content_word!r}: {claims}"
    return found[0]


def test_quote_before_and_after_the_cue(annotate):
    doc = annotate('"The border stays closed," the interior minister said.\n'
                   'The prime minister told parliament: "We will not pay the ransom."')
    claims = claims_of(doc)
    before = one(claims, "border stays closed")
    assert before["speaker"] == "the interior minister" and before["cue"] == "said"
    assert '"' not in before["content"]
    after = one(claims, "ransom")
    assert after["speaker"] == "The prime minister" and after["cue"].startswith("told")


def test_split_quote_is_one_claim(annotate):
    doc = annotate('"We are ready to talk," the envoy said, "but we will not give up the port."')
    claims = claims_of(doc)
    assert len(claims) == 1
    c = claims[0]
    assert c["content"].startswith("We are ready") and c["content"].endswith("the port.")
    assert c["speaker"] == "the envoy" and c["rule"] == "split quote"


def test_quote_over_paragraphs(annotate):
    text = ('The mayor spoke after the vote. "The city has waited long enough for this bridge.\n'
            '"It will be finished before the winter," she said.')
    doc = annotate(text)
    c = one(claims_of(doc), "bridge")
    assert "winter" in c["content"] and c["speaker"] == "she"


def test_he_said_resolves_to_the_person(annotate):
    doc = annotate("Sergei Lavrov met the envoy on Monday. He said the talks had failed.", date="2017-04-06")
    c = one(claims_of(doc), "talks had failed")
    assert c["speaker"] == "He"
    assert c["actor"] is not None and c["actor"].country == "RUS"


def test_headline_colon(annotate):
    doc = annotate("Putin: sanctions will fail\nThe Kremlin repeated its warning on Monday.")
    c = one(claims_of(doc), "sanctions will fail")
    assert c["speaker"] == "Putin" and c["cue"] == ":"


def test_according_to_and_in_a_statement(annotate):
    doc = annotate("At least 30 people died in the flooding, according to the health ministry. "
                   "In a statement, the army said it had rescued 200 villagers.")
    claims = claims_of(doc)
    acc = one(claims, "30 people died")
    assert acc["cue"] == "according to" and acc["speaker"] == "the health ministry"
    said = one(claims, "rescued 200 villagers")
    assert said["speaker"] == "the army"


@pytest.mark.parametrize("text, word", [
    ("It is alleged that the militia recruited children.", "recruited children"),
    ("The convoy was reportedly attacked near the border.", "attacked"),
])
def test_unattributed_claims_have_no_speaker(annotate, text, word):
    c = one(claims_of(annotate(text)), word)
    assert c["speaker"] is None


def test_document_sources(annotate):
    doc = annotate("The State Department released a report stating that the militia had used chlorine.",
                   date="2017-04-06")
    c = one(claims_of(doc), "chlorine")
    assert c["speaker"] == "The State Department"
    assert c["actor"] is not None and c["actor"].code == "USAGOV"


def test_verbs_that_are_not_speech_give_no_claim(annotate):
    doc = annotate("Aid trucks crossed into the territory on Saturday. The two leaders shook hands.")
    assert claims_of(doc) == []


def test_seed_article_claims_and_attributed_events(code, shared_seed):
    from eventwire.api import code_text

    text = shared_seed.read_text(encoding="utf-8")
    records = code_text(text, date="2017-04-06", doc_id="seed-article")
    claims = [r for r in records if r.kind == "claim"]
    events = [r for r in records if r.kind == "event"]

    def claim_by(speaker_word: str, content_word: str):
        found = [c for c in claims if c.speaker and speaker_word in c.speaker.text and content_word in c.content.text]
        assert found, f"no claim by {speaker_word} about {content_word}"
        return found[0]

    ayrault = claim_by("Ayrault", "maintain a resolution")
    assert ayrault.speaker.text == "Ayrault" and ayrault.cue.text == "told"
    assert claim_by("Ayrault", "goal of France").cue.text == "said"
    zakharova = claim_by("Zakharova", "categorically rejected")
    assert zakharova.speaker.text.startswith("Russian Foreign Ministry spokeswoman")
    state_dept = claim_by("State Department", "chemical substances")
    assert state_dept.speaker.code == "USAGOV"
    kim = claim_by("Kim Won-soo", "could not confirm")
    assert kim.speaker.text.startswith("UN High Representative")
    by_claim = {c.claim_id: c for c in claims}
    attributed = {by_claim[e.claim_id].speaker.text: e for e in events
                  if e.claim_id in by_claim and by_claim[e.claim_id].speaker}
    # (Kim's claim, "could not confirm the complete destruction of ... facilities in Syria", holds
    # no event that names an actor: events naming neither source nor target are not written)
    for claim in (zakharova, state_dept):
        e = attributed.get(claim.speaker.text)
        assert e is not None, f"no event attributed to {claim.speaker.text}"
        assert e.attributed_to is not None and e.attributed_to.code == claim.speaker.code
    assert any(e.attributed_to and e.attributed_to.code == "FRAGOV" for e in events)


@pytest.fixture
def shared_seed():
    return shared("examples", "seed-article.txt")


# ---------------------------------------------------------------- floors

def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _find(text: str, part: str, near: int) -> tuple[int, int]:
    """The occurrence of ``part`` nearest to character ``near``."""
    starts = [i for i in range(len(text)) if text.startswith(part, i)]
    assert starts, part
    best = min(starts, key=lambda i: abs(i - near))
    return best, best + len(part)


def test_team_claims_dev_set_floor(annotate):
    """tests/data/claims_dev.jsonl, scored as the shared scorer scores PolNeAR."""
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "claims_dev.jsonl").read_text().splitlines()
            if line.strip()]
    tp = fp = fn = speaker_ok = cue_ok = 0
    for row in rows:
        text = row["text"]
        doc = annotate(text, date="2020-01-01")
        preds = []
        for c in doc._.ew.claims:
            content, cue = doc[c.content_start:c.content_end], doc[c.cue:c.cue_end]
            sp = doc[c.speaker_start:c.speaker_end] if c.speaker_start is not None else None
            preds.append(((content.start_char, content.end_char), (cue.start_char, cue.end_char),
                          (sp.start_char, sp.end_char) if sp is not None else None))
        used: set[int] = set()
        for g in row["claims"]:
            gc = _find(text, g["content"], 0)
            hit = next((j for j, p in enumerate(preds) if j not in used and
                        _overlap(gc, p[0]) >= min(gc[1] - gc[0], p[0][1] - p[0][0]) / 2), None)
            if hit is None:
                fn += 1
                continue
            used.add(hit)
            tp += 1
            p = preds[hit]
            gs = _find(text, g["speaker"], gc[0]) if g["speaker"] else None
            speaker_ok += (gs is None and p[2] is None) or bool(gs and p[2] and _overlap(gs, p[2]) > 0)
            cue_ok += _overlap(_find(text, g["cue"], gc[0]), p[1]) > 0
        fp += len(preds) - len(used)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(f"claims_dev: P={precision:.3f} R={recall:.3f} F1={f1:.3f} speaker {speaker_ok}/{tp} cue {cue_ok}/{tp}")
    assert f1 >= BASELINES["claims_dev_f1"]
    assert speaker_ok / tp >= BASELINES["claims_dev_speaker"]


def test_polnear_dev_floor_through_the_cli(tmp_path):
    """Code the PolNeAR dev split with the CLI and score it with the shared scorer."""
    text_dir = shared("corpora", "polnear", "dev", "text")
    ann_dir = shared("corpora", "polnear", "dev", "attributions")
    scorer = shared("tools", "score_claims.py")
    out = tmp_path / "pn.jsonl"
    done = run_cli("code", str(text_dir), "--format", "jsonl", "--output", str(out))
    assert done.returncode == 0, done.stderr
    scored = subprocess.run([sys.executable, str(scorer), "--ann", str(ann_dir), "--pred", str(out), "-v"],
                            capture_output=True, text=True, timeout=120)
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout[:scored.stdout.rindex("}") + 1])
    print(scored.stdout.splitlines()[-1])
    assert result["f1"] >= BASELINES["polnear_claims_f1"]
    assert result["source_ok"] / result["tp"] >= BASELINES["polnear_claims_speaker"]
