""".dockerignore matching as moby/patternmatcher does it.

Sources: SEMANTICS §3.9 (``[S3.9]``), tricky case 48 (``[case 48]``), and patternmatcher's
``ignorefile.ReadAll``, ``New``, ``MatchesOrParentMatches`` and ``compile`` (``[pm]``).
"""

from __future__ import annotations

import pytest

from simulator.dockerfile.dockerignore import DockerIgnore
from simulator.errors import DockerfileError


def excluded(text: str, path: str) -> bool:
    return DockerIgnore.parse(text).excludes(path)


def test_case_48_last_match_wins_and_star_is_root_only() -> None:
    # [case 48]
    ignore = DockerIgnore.parse("*.md\n!README*.md\nREADME-secret.md\n")
    assert ignore.excludes("README-secret.md")
    assert not ignore.excludes("README.md")
    assert not ignore.excludes("README-dev.md")
    assert ignore.excludes("CHANGES.md")
    assert not ignore.excludes("docs/x.md")  # *.md matches only at the root
    assert ignore.filter(["a.md", "README.md", "docs/x.md", "main.go"]) == [
        "README.md",
        "docs/x.md",
        "main.go",
    ]


def test_case_48_exception_inside_an_excluded_directory() -> None:
    # [case 48] parent match, then the exception re-includes the file
    ignore = DockerIgnore.parse("node_modules\n!node_modules/keep.js\n")
    assert ignore.excludes("node_modules")
    assert ignore.excludes("node_modules/other.js")
    assert ignore.excludes("node_modules/deep/x.js")
    assert not ignore.excludes("node_modules/keep.js")


def test_case_48_comments_only_in_column_one() -> None:
    ignore = DockerIgnore.parse("# comment\n #x\n")
    assert not ignore.excludes("# comment")
    assert ignore.excludes("#x")  # " #x" is trimmed to the pattern "#x"
    assert [p.pattern for p in ignore.patterns] == ["#x"]


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        ("/foo", "foo"),  # [S3.9] leading / removed
        ("./foo", "foo"),  # filepath.Clean
        ("foo/../bar", "bar"),
        ("foo//bar/", "foo/bar"),
        ("  spaced  ", "spaced"),  # trimmed
        ("!/foo", "!foo"),
        ("! foo", "!foo"),  # the ! is split off and the rest trimmed again [pm ReadAll]
        ("../x", "../x"),
    ],
)
def test_patterns_are_cleaned(line: str, cleaned: str) -> None:
    (pattern,) = DockerIgnore.parse(line).patterns
    assert str(pattern) == cleaned


def test_dot_blank_and_bom_lines_are_ignored() -> None:
    ignore = DockerIgnore.parse("\ufeff.\n\n   \nfoo\n")
    assert [p.pattern for p in ignore.patterns] == ["foo"]
    assert not ignore.excludes("bar") and ignore.excludes("foo")


@pytest.mark.parametrize("text", ["!\n", "  !  \n", "[\n", "a[b\n", "a\\\n", "[]a]\n", "[-]\n"])
def test_bad_patterns_are_errors(text: str) -> None:
    # [S3.9] "!" alone is an error; Go filepath.Match syntax errors too
    with pytest.raises(DockerfileError) as info:
        DockerIgnore.parse(text)
    assert info.value.filename == ".dockerignore" and info.value.line >= 1


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*", "a", True),
        ("*", "a/b", True),  # the parent "a" matches
        ("a?c", "abc", True),
        ("a?c", "a/c", False),  # ? never matches /
        ("*/x.md", "docs/x.md", True),
        ("*/x.md", "a/b/x.md", False),
        ("**/*.go", "main.go", True),  # ** matches zero directories too
        ("**/*.go", "cmd/tool/main.go", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "ab", False),
        ("**", "anything/at/all", True),
        ("foo**", "foobar/x", True),  # "**" at the end: a prefix match [pm compile]
        ("**/foo", "foo", True),  # "**/foo" matches "foo" [pm match suffixMatch]
        ("**/foo", "x/foo", True),
        ("**/foo", "xfoo", False),
        ("[a-c].txt", "b.txt", True),
        ("[a-c].txt", "d.txt", False),
        ("[^a].txt", "a.txt", False),  # Go negates with ^
        ("[^a].txt", "b.txt", True),
        ("[!a].txt", "!.txt", True),  # ... and ! is an ordinary character
        ("\\*.txt", "*.txt", True),  # \ escapes
        ("\\*.txt", "a.txt", False),
        ("file.txt", "fileXtxt", False),  # . is literal
        ("dir", "dir/sub/file", True),  # any parent matching excludes [S3.9]
        ("dir/sub", "dir/sub/file", True),
        ("sub", "dir/sub/file", False),  # patterns are anchored at the root
        ("a+b(c)", "a+b(c)", True),
    ],
)
def test_matching(pattern: str, path: str, expected: bool) -> None:
    assert excluded(pattern, path) is expected


@pytest.mark.parametrize("path", ["/dir/file", "./dir/file", "dir//file", "dir/./file"])
def test_paths_are_cleaned_before_matching(path: str) -> None:
    assert excluded("dir/file", path)


def test_context_root_is_never_excluded() -> None:
    assert not excluded("*", ".") and not excluded("**", "")


def test_last_matching_line_wins() -> None:
    assert excluded("a\n!a\na\n", "a")
    assert not excluded("a\na\n!a\n", "a")


def test_exception_does_not_reinclude_files_under_an_excluded_parent_it_does_not_match() -> None:
    ignore = DockerIgnore.parse("build\n!build/keep\n")
    assert not ignore.excludes("build/keep")
    assert not ignore.excludes("build/keep/inner")  # the parent build/keep matches the exception
    assert ignore.excludes("build/other")


def test_empty_file_excludes_nothing() -> None:
    ignore = DockerIgnore.parse("")
    assert ignore.patterns == () and not ignore.excludes("x")
