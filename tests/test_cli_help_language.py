"""`--help` and click's own words (usage, errors) in the user's language; English exactly as click writes it."""
from __future__ import annotations

import gettext
import os
import re

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from salesgen import cli_language
from salesgen.cli import cli
from salesgen.i18n import LOCALE_DIR
from salesgen.i18n_catalog import click_msgids

CJK = re.compile(r"[\u4e00-\u9fff]")
CLEAN = {"SALESGEN_LANG": None, "LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None, "LANGUAGE": None}


def run(*args, env=None, **kwargs):
    return CliRunner().invoke(cli, list(args), env={**CLEAN, **(env or {})}, **kwargs)


def commands(group=cli, path=()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def flat(text: str) -> str:
    return " ".join(text.split())


def own_texts(command: click.Command) -> list[str]:
    """The English help texts of a command: its paragraphs (examples' comments) and its options' help."""
    texts = cli_language.help_msgids(command.help or "")
    return texts + [flat(p.help) for p in command.params if getattr(p, "help", None)]


@pytest.mark.parametrize(("path", "command"), list(commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_help_page_is_chinese_in_zh_and_english_in_en(path, command):
    chinese = run(*path, "--help", env={"SALESGEN_LANG": "zh"})
    english = run(*path, "--help")
    assert chinese.exit_code == english.exit_code == 0
    assert chinese.output.startswith("用法：") and "选项:" in chinese.output
    assert "显示此帮助并退出。" in chinese.output
    # Chinese lines are wrapped for the terminal: compare with the line breaks taken out
    zh_flat = flat(chinese.output)
    en_flat = flat(re.sub(r"-\n\s+", "-", english.output))  # click breaks "east-china" after its hyphen
    for text in own_texts(command):
        assert text in en_flat, text
        if re.search(r"[A-Za-z]{3}", text) and not re.fullmatch(r"[\w./-]+\.", text):
            assert text not in zh_flat, text
    # the command itself, its options and its examples are code: the same in both languages
    assert re.findall(r"--[a-z][\w-]*", chinese.output) == re.findall(r"--[a-z][\w-]*", english.output)
    assert examples(chinese.output) == examples(english.output)


def examples(output: str) -> list[str]:
    return [line.split(" # ")[0].rstrip() for line in output.splitlines() if re.match(r"\s+salesgen ", line)]


def test_english_help_is_exactly_what_click_writes():
    for path, command in commands():
        parent = click.Context(cli, info_name="salesgen", terminal_width=100)
        for name in path[:-1]:
            parent = click.Context(parent.command.commands[name], info_name=name, parent=parent)
        stock = click.Context(command, info_name=path[-1], parent=parent, terminal_width=100)
        ours = run(*path, "--help", prog_name="salesgen", terminal_width=100).output
        assert ours == command.get_help(stock) + "\n", path


def test_the_command_list_summarises_each_command_in_chinese():
    output = run("--help", env={"SALESGEN_LANG": "zh"}).output
    commands_part = output.split("命令:")[1]
    for name in cli.commands:
        [line] = [line for line in commands_part.splitlines() if line.split()[:1] == [name]]
        assert CJK.search(line), line
    assert "  lint            按 Schema 和阶段规则检查项目、客户和 salesgen.yaml。" in output


@pytest.mark.parametrize(("args", "english", "chinese"), [
    (["lint", "--nosuch"], "Error: No such option", "错误：没有选项"),  # click 8.2 and 8.4 word the rest apart
    (["lint", "--format", "x"], "Error: Invalid value for '--format': 'x' is not one of",
     "错误：'--format' 的值无效：'x' 不是以下之一"),
    (["move"], "Error: Missing argument 'DEAL'.", "错误：缺少参数 'DEAL'"),
    (["nosuchcommand"], "Error: No such command 'nosuchcommand'.", "错误：没有命令 'nosuchcommand'。"),
])
def test_click_errors_speak_the_help_language_and_keep_the_exit_code(args, english, chinese):
    en = run(*args)
    zh = run(*args, env={"SALESGEN_LANG": "zh"})
    assert en.exit_code == zh.exit_code == 2
    assert english in en.output
    assert chinese in zh.output
    assert "Try '" not in zh.output and "用法：" in zh.output


def test_the_lang_option_before_the_command_chooses_the_language_of_its_help_and_errors():
    assert run("--lang", "zh", "lint", "--help").output.startswith("用法：")
    assert run("lint", "--lang", "zh", "--help").output.startswith("用法：")
    assert "错误：没有选项" in run("--lang", "zh", "lint", "--nosuch").output
    assert run("--lang", "en", "lint", "--help", env={"SALESGEN_LANG": "zh"}).output.startswith("Usage:")


def test_help_language_falls_back_from_the_variable_to_the_configuration_to_the_locale(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the configuration is looked for in the working folder
    assert run("--help", env={"LANG": "zh_CN.UTF-8"}).output.startswith("用法：")
    assert run("--help", env={"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}).output.startswith("用法：")
    assert run("--help", env={"LANG": "en_US.UTF-8"}).output.startswith("Usage:")
    with open("salesgen.yaml", "w", encoding="utf-8") as handle:
        handle.write("title: x\nlanguage: zh\n")
    assert run("--help").output.startswith("用法：")
    assert run("--help", env={"SALESGEN_LANG": "en", "LANG": "zh_CN.UTF-8"}).output.startswith("Usage:")


def test_the_run_leaves_the_environment_as_it_found_it(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fr:de")
    result = CliRunner().invoke(cli, ["--lang", "zh", "lint", "--nosuch"], env={"SALESGEN_LANG": "zh"})
    assert "错误" in result.output
    assert os.environ["LANGUAGE"] == "fr:de"
    monkeypatch.delenv("LANGUAGE")
    CliRunner().invoke(cli, ["--help"], env={"SALESGEN_LANG": "zh"})
    assert "LANGUAGE" not in os.environ


def test_a_command_run_on_its_own_keeps_clicks_english(monkeypatch):
    from salesgen.commands.lint import lint

    monkeypatch.delenv("LANGUAGE", raising=False)
    env = {key: value for key, value in CLEAN.items() if key != "LANGUAGE"}  # the runner would restore it
    result = CliRunner().invoke(lint, ["--lang", "zh", "--format", "x"], env=env)
    assert "Error: Invalid value for '--format'" in result.output
    assert "LANGUAGE" not in os.environ


# --- the catalogues ------------------------------------------------------------------------------------

def click_catalogue():
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="zh")


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[\w.]+(?:![rs])?\}|%\(\w+\)s", text))


def test_every_string_the_installed_click_marks_has_a_chinese_translation_with_its_placeholders():
    catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in click_catalogue() if m.id}
    for msgid in click_msgids():
        singular = msgid if isinstance(msgid, str) else msgid[0]
        assert singular in catalogue, msgid
        strings = catalogue[singular].string
        strings = strings if isinstance(strings, tuple) else (strings,)
        assert all(strings), msgid
        source = msgid if isinstance(msgid, str) else msgid[1]  # one Chinese form: it gets the plural's values
        for string in strings:
            assert placeholders(string) == placeholders(source), msgid


def test_the_compiled_catalogue_is_the_po_file():
    # Run `python -m salesgen.i18n_catalog` after editing messages.po: gettext reads messages.mo.
    compiled = gettext.translation("messages", str(LOCALE_DIR), languages=["zh"])
    for message in click_catalogue():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 2) == message.string[0]
        else:
            assert compiled.gettext(message.id) == message.string


# --- the formatter falls back to what click wrote --------------------------------------------------------

def test_a_help_text_the_catalogue_does_not_know_stays_english():
    text = "A paragraph no catalogue has.\n\n\b\nExamples:\n  salesgen nothing   # a comment nobody translated"
    assert cli_language.translate_help(text, "zh", 80) == text.replace("Examples:", "示例：")
    assert cli_language.translate_help(text, "en", 80) == text

    @click.command()
    def unknown():
        """Something the catalogue has never seen, long enough to be cut short in the list of commands."""

    group = click.Group("g", commands={"unknown": unknown})
    cli_language.localize(group)
    output = CliRunner().invoke(group, ["--help"], env={**CLEAN, "SALESGEN_LANG": "zh"}).output
    stock = group.get_help(click.Context(group, info_name="g"))
    assert stock.splitlines()[-1] in output.splitlines()  # click's own summary, cut where click cuts it


def test_chinese_is_wrapped_by_columns_and_never_inside_a_word_or_code():
    text = "检查 git 暂存区中的文件（下一次提交的内容）：不含未暂存的修改和 `--no-cache`、origin/main 或 master。"
    lines = cli_language.wrap_wide(text, 24)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cli_language.columns(line) <= 24 for line in lines)
    assert any("`--no-cache`" in line for line in lines) and any("origin/main" in line for line in lines)
    assert not any(line.startswith(("，", "。", "：", "）")) for line in lines)
