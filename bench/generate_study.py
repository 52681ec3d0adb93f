"""Generate a large synthetic study for the benchmarks.

Writes transcripts (English and Russian, speaker turns) as .txt files and, optionally, builds a
project from them with codes, codings, memos and cases through the Project API:

    python bench/generate_study.py OUT_DIR [--transcripts 200] [--words 15000] [--codes 500]
        [--themes 40] [--codings 50000] [--memos 2000] [--project]

The numbers default to the large study of the benchmark issue. Output is deterministic for a
given --seed.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

EN = (
    "I we they activism community friends people city police family work grant burnout "
    "group meeting online chat safe space solidarity anger struggle privilege visible risk "
    "language Russian Kazakh English identity class ethnicity coming out mother father "
    "organisation volunteer paid tired calling occupation remember think maybe really then "
    "because when after before with without about the a an and but so just like you know"
).split()
RU = (
    "я мы они активизм сообщество друзья люди город полиция семья работа грант выгорание "
    "группа встреча онлайн чат безопасность солидарность злость борьба привилегия видимость "
    "риск язык русский казахский идентичность класс этничность камингаут мама папа "
    "организация волонтёр оплата устала призвание занятие помню думаю может правда потом "
    "потому когда после до с без про и но так просто как знаешь апа ұят рахмет қарындас"
).split()


def transcript(rng: random.Random, words: int, russian: bool) -> str:
    """One interview of about ``words`` words, as alternating speaker turns."""
    pool = RU if russian else EN
    labels = ("Интервьюер", "Респондент") if russian else ("Interviewer", "Respondent")
    lines: list[str] = []
    written = 0
    turn = 0
    while written < words:
        n = rng.randint(8, 20) if turn % 2 == 0 else rng.randint(30, 120)
        sentence_words = [rng.choice(pool) for _ in range(n)]
        sentence_words[0] = sentence_words[0].capitalize()
        lines.append(f"{labels[turn % 2]}: {' '.join(sentence_words)}.")
        written += n
        turn += 1
    return "\n".join(lines) + "\n"


def write_transcripts(out: Path, count: int, words: int, seed: int) -> list[Path]:
    """Write ``count`` transcripts into ``out/transcripts``; returns their paths."""
    rng = random.Random(seed)
    folder = out / "transcripts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"interview-{i + 1:03d}.txt"
        path.write_text(transcript(rng, words, russian=i % 2 == 1), encoding="utf-8")
        paths.append(path)
    return paths


def build_project(
    out: Path, paths: list[Path], codes: int, themes: int, codings: int, memos: int, seed: int
) -> Path:
    """Build ``out/project.json`` from the transcripts with random codes, codings and memos."""
    from workbench.core.project import Project
    from workbench.io.importers import read_transcript

    rng = random.Random(seed + 1)
    target = out / "project.json"
    for stale in out.glob("project.json*"):
        stale.unlink()
    project = Project.create(target, name="Large synthetic study")
    with project.change("import"):
        for i, path in enumerate(paths):
            imported = read_transcript(path)
            project.documents.add(
                imported.name,
                imported.text,
                source=imported.source,
                paragraphs=imported.paragraphs,
                case=f"Respondent {i + 1}",
                attributes={
                    "pronouns": rng.choice(["she/her", "he/him", "they/them"]),
                    "city": rng.choice(["Almaty", "Astana", "Shymkent", "Karaganda"]),
                    "language": "Russian" if i % 2 else "English",
                    "age": str(rng.randint(19, 55)),
                },
            )
    theme_names = [f"Theme {t + 1:02d}" for t in range(themes)]
    code_paths = [f"{theme_names[c % themes]}/Code {c + 1:03d}" for c in range(codes)]
    with project.change("codebook"):
        for path in code_paths:
            project.codebook.ensure(path)
        for name in theme_names:
            project.codebook.set_theme(project.codebook.find(name), True)
    code_objs = [project.codebook.find(p) for p in code_paths]
    docs = project.documents.all()
    with project.change("codings"):
        for _ in range(codings):
            doc = rng.choice(docs)
            para = rng.choice(doc.paragraphs)
            start = rng.randint(para.start, max(para.start, para.end - 2))
            end = min(para.end, start + rng.randint(5, 200))
            if end <= start:
                continue
            project.codings.add(doc, start, end, rng.choice(code_objs), rng.choice(["ann", "ben"]))
    with project.change("memos"):
        for m in range(memos):
            kind = rng.choice(["document", "code", "project"])
            target_id = None
            if kind == "document":
                target_id = rng.choice(docs).id
            elif kind == "code":
                target_id = rng.choice(code_objs).id
            text = f"Memo {m + 1}: " + transcript(rng, 40, False)
            project.memos.add(kind, target_id, text, "ann")
    project.history.clear()  # a generated study has no undo history worth keeping
    project.save()
    project.close()
    return target


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=15000)
    parser.add_argument("--codes", type=int, default=500)
    parser.add_argument("--themes", type=int, default=40)
    parser.add_argument("--codings", type=int, default=50000)
    parser.add_argument("--memos", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--project", action="store_true", help="also build project.json")
    args = parser.parse_args()
    t0 = time.perf_counter()
    paths = write_transcripts(args.out, args.transcripts, args.words, args.seed)
    print(f"{len(paths)} transcripts in {time.perf_counter() - t0:.1f} s")
    if args.project:
        t0 = time.perf_counter()
        target = build_project(
            args.out, paths, args.codes, args.themes, args.codings, args.memos, args.seed
        )
        size = target.stat().st_size / 1e6
        print(f"{target} ({size:.1f} MB) in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
