"""``expr``: busybox's expression evaluator (64-bit wrapping arithmetic, string operators)."""

from __future__ import annotations

import re

from simulator.userland.grep import bre_to_python
from simulator.userland.registry import ExecContext, register


# ---------------------------------------------------------------------------------- expr
class _ExprError(Exception):
    pass


_LONG = 1 << 64


def _wrap(value: int) -> int:
    """``value`` as a C ``long long`` (busybox's arithmetic wraps around)."""
    value %= _LONG
    return value - _LONG if value >= _LONG // 2 else value


class _Expr:
    """busybox ``expr``: a recursive-descent evaluator over the arguments.

    Values are ``int`` or ``str``; a string that ``strtoll`` reads entirely (leading blanks and a
    sign allowed) is a number where a number is needed.  From the loosest binding: ``|``, ``&``,
    comparisons, ``+ -``, ``* / %``, ``:``, then ``length``/``substr``/``index``/``match``/``quote``
    and parentheses.
    """

    def __init__(self, ctx: ExecContext, args: list[str]) -> None:
        self.ctx = ctx
        self.args = args
        self.pos = 0

    def peek(self, *tokens: str) -> str | None:
        if self.pos < len(self.args) and self.args[self.pos] in tokens:
            self.pos += 1
            return self.args[self.pos - 1]
        return None

    def evaluate(self) -> int | str:
        value = self.or_()
        if self.pos < len(self.args):
            raise _ExprError("syntax error")
        return value

    def or_(self) -> int | str:
        left = self.and_()
        while self.peek("|"):
            right = self.and_()
            left = right if _null(left) else left
        return left

    def and_(self) -> int | str:
        left = self.compare()
        while self.peek("&"):
            right = self.compare()
            left = 0 if _null(left) or _null(right) else left
        return left

    def compare(self) -> int | str:
        left = self.sum()
        while op := self.peek("<", "<=", "=", "==", "!=", ">=", ">"):
            right = self.sum()
            a, b = _number(left), _number(right)
            if a is not None and b is not None:
                diff = (a > b) - (a < b)
            else:  # strcmp
                x, y = (
                    str(left).encode("utf-8", "surrogateescape"),
                    str(right).encode("utf-8", "surrogateescape"),
                )
                diff = (x > y) - (x < y)
            left = int({"<": diff < 0, "<=": diff <= 0, "=": diff == 0, "==": diff == 0, "!=": diff != 0,
                        ">=": diff >= 0, ">": diff > 0}[op])  # fmt: skip
        return left

    def sum(self) -> int | str:
        left = self.product()
        while op := self.peek("+", "-"):
            a, b = self.numbers(left, self.product())
            left = _wrap(a + b if op == "+" else a - b)
        return left

    def product(self) -> int | str:
        left = self.match()
        while op := self.peek("*", "/", "%"):
            a, b = self.numbers(left, self.match())
            if op != "*" and b == 0:
                raise _ExprError("division by zero")
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C truncates
            left = _wrap(a * b if op == "*" else quotient if op == "/" else a - b * quotient)
        return left

    @staticmethod
    def numbers(left: int | str, right: int | str) -> tuple[int, int]:
        a, b = _number(left), _number(right)
        if a is None or b is None:
            raise _ExprError("non-numeric argument")
        return a, b

    def match(self) -> int | str:
        left = self.keyword()
        while self.peek(":"):
            left = self.colon(left, self.keyword())
        return left

    def colon(self, text: int | str, pattern: int | str) -> int | str:
        """``STRING : REGEX``: anchored; the first \\( \\) group, or the length of the match."""

        text, pattern = str(text), str(pattern)
        if pattern.startswith("^"):
            self.ctx.err(
                f"expr: warning: '{pattern}': using '^' as the first character\n"
                "of a basic regular expression is not portable; it is ignored\n"
            )
        try:
            if pattern.count("\\{") != pattern.count("\\}"):
                raise re.error("Unmatched \\{")
            regex = re.compile(bre_to_python(pattern), re.DOTALL)
        except re.error as exc:  # in glibc's words
            reason = str(exc)
            if "parenthesis" in reason or "subpattern" in reason:
                reason = "Unmatched ( or \\("
            elif "unterminated [" in reason:
                reason = "Unmatched [, [^, [:, [., or [="
            elif not reason.startswith("Unmatched"):
                reason = "Invalid regular expression"
            raise _ExprError(f"bad regex '{pattern}': {reason}") from None
        found = regex.match(text)
        if found is None:
            return "" if regex.groups else 0
        return found.group(1) if regex.groups and found.group(1) is not None else found.end()

    def keyword(self) -> int | str:
        word = self.peek("quote", "length", "match", "index", "substr")
        if word is None:
            return self.atom()
        if word == "quote":
            if self.pos >= len(self.args):
                raise _ExprError("syntax error")
            self.pos += 1
            return self.args[self.pos - 1]
        first = str(self.keyword())
        if word == "length":
            return len(first.encode("utf-8", "surrogateescape"))
        second = self.keyword()
        if word == "match":
            return self.colon(first, second)
        if word == "index":
            chars = str(second)
            return next((i for i, ch in enumerate(first, 1) if ch in chars), 0)
        start, length = _number(second), _number(self.keyword())
        if start is None or length is None or not 0 < start <= len(first) or length <= 0:
            return ""
        return first[start - 1 : start - 1 + length]

    def atom(self) -> int | str:
        if self.pos >= len(self.args) or self.args[self.pos] == ")":
            raise _ExprError("syntax error")
        if self.peek("("):
            value = self.or_()
            if not self.peek(")"):
                raise _ExprError("syntax error")
            return value
        self.pos += 1
        return self.args[self.pos - 1]


def _number(value: int | str) -> int | None:
    """The value as ``strtoll`` reads it (saturating), or None when it is not all a number."""
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?\d+)", value, re.ASCII)
    if m is None:
        return None
    return max(-(_LONG // 2), min(int(m.group(1)), _LONG // 2 - 1))


def _null(value: int | str) -> bool:
    return value in (0, "", "0")


@register("expr")
def expr(ctx: ExecContext, argv: list[str]) -> int:
    """``expr EXPRESSION``: prints the value; exit 1 when it is 0 or empty, 2 on an error."""
    if len(argv) < 2:
        ctx.err("expr: too few arguments\n")
        return 2
    try:
        value = _Expr(ctx, argv[1:]).evaluate()
    except _ExprError as exc:
        ctx.err(f"expr: {exc}\n")
        return 2
    ctx.out(f"{value}\n")
    return int(_null(value))
