"""The GitHub job summary and the Changes page's git detail in the user's language; places and ids unchanged."""
from __future__ import annotations

import re
import subprocess

from click.testing import CliRunner

from salesgen.cli import cli
from salesgen.history import git
from salesgen.i18n import translate
from salesgen.output.github import github_summary
from salesgen.problem import Problem, Severity

CJK = re.compile(r"[\u4e00-\u9fff]")


def summaries(tiny_repo, tmp_path):
    path = tiny_repo / "deals" / "acme-line.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Acme 生产线", "name: Acme\nnam: x"),
                    encoding="utf-8")
    out = {}
    for lang in ("en", "zh"):
        summary = tmp_path / f"summary-{lang}.md"
        result = CliRunner().invoke(cli, ["lint", "--root", str(tiny_repo), "--format", "github", "--no-cache",
                                          "--lang", lang, "--as-of", "2026-11-20"],
                                    env={"GITHUB_STEP_SUMMARY": str(summary), "SALESGEN_LANG": None})
        assert result.exit_code == 1
        out[lang] = summary.read_text(encoding="utf-8").splitlines()
    return out["en"], out["zh"]


def test_the_job_summary_speaks_the_language_and_keeps_places_and_rule_ids(tiny_repo, tmp_path):
    english, chinese = summaries(tiny_repo, tmp_path)
    assert english[0] == "## salesgen lint: 1 error, 0 warnings"
    assert chinese[0] == "## salesgen lint: 1个错误，0个警告"
    assert english[2] == "| Location | Severity | Rule | Message | Hint |"
    assert chinese[2] == "| 位置 | 级别 | 规则 | 问题 | 建议 |"
    assert len(english) == len(chinese)
    for en, zh in zip(english[4:], chinese[4:]):
        en_cells, zh_cells = en.split(" | "), zh.split(" | ")
        assert (en_cells[0], en_cells[2]) == (zh_cells[0], zh_cells[2])  # file:line and `rule`
        assert (en_cells[1], zh_cells[1]) == ("error", "错误")
        assert CJK.search(zh_cells[3]) and not CJK.search(en_cells[3].replace("生产线", ""))


def test_the_summary_counts_in_both_languages_at_one_and_many():
    problems = [Problem("deals/a.yaml", n, 1, "ref-rep", "m", "h", Severity.ERROR if n < 3 else Severity.WARNING)
                for n in range(1, 4)]
    assert github_summary(problems).splitlines()[0] == "## salesgen lint: 2 errors, 1 warning"
    assert github_summary(problems, lang="zh").splitlines()[0] == "## salesgen lint: 2个错误，1个警告"
    assert github_summary([]).splitlines() == ["## salesgen lint: 0 errors, 0 warnings", ""]


def test_git_details_are_messages_that_translate(tmp_path):
    assert translate(git.reason(git.NoHistory(git.T("no commits yet"))), "zh") == "还没有任何提交"
    failed = git.T("git {command} failed: {reason}", command="log", reason="fatal: bad object HEAD")
    assert translate(failed, "en") == "git log failed: fatal: bad object HEAD"
    assert translate(failed, "zh") == "git log 执行失败：fatal: bad object HEAD"  # git's own words are data
    assert "浅克隆" in translate(git.SHALLOW_HINT, "zh") and "fetch-depth: 0" in translate(git.SHALLOW_HINT, "zh")
    assert git.reason(ValueError()) == ""


def test_the_changes_page_says_why_there_is_no_history_in_chinese(tmp_path):
    target = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(target), "--as-of", "2026-11-20"]).exit_code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    pages = {}
    config = target / "salesgen.yaml"
    english_config = re.sub(r"^language: \w+.*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    for lang in ("en", "zh"):
        config.write_text(f"language: {lang}\n" + english_config, encoding="utf-8")  # the site's language
        result = CliRunner().invoke(cli, ["build", "--root", str(target), "--site-dir", str(tmp_path / lang),
                                          "--as-of", "2026-11-20", "--allow-errors"],
                                    env={"SALESGEN_LANG": None}, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        page = (tmp_path / lang / "changes" / "index.html").read_text(encoding="utf-8")
        pages[lang] = page.split('class="sg-lead"', 1)[1].split("</p>", 1)[0]
    assert "no commits yet" in pages["en"]
    assert "还没有任何提交" in pages["zh"] and "no commits yet" not in pages["zh"]
