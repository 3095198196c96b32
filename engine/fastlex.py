"""Pygments' `RegexLexer`, the same tokens found with fewer regular-expression calls.

At each position a `RegexLexer` tries its state's rules one by one, a Python-level call each:
Python's lexer tries about forty before most tokens, and lexing is nine tenths of the time
Pygments spends on a code block (2 ms for a twenty-line Python block here, measured). Here the
rules of a state are joined into one alternation, `(A)|(B)|...`, which the `re` engine tries
in the same order at the same position; the group that matched names the rule, and that rule's
own pattern is matched again to give its action the very match object it gets in Pygments.
Rules that cannot be joined stay on their own, in their place: back-references and
conditionals (their group numbers would shift), verbose patterns (a comment would swallow the
joint), flags of their own, and long patterns (see LONG). The loop below is
`RegexLexer.get_tokens_unprocessed` (Pygments 2.21) with that one change; tests compare the
two token by token, on real code and on random text.
"""

from __future__ import annotations

import re
from typing import Iterator

_LEADING_FLAGS = re.compile(r"\(\?([ims]+)\)")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # group numbers or names: they would shift
# a pattern longer than this stays alone: compiled again within a join it would cost more than
# it saves (Python's identifiers, 3,500 characters of Unicode classes, in eight states)
LONG = 500
_JOINED: dict[type, dict] = {}  # lexer class -> state -> steps


def accelerate(lexer):
    """`lexer`, whose `get_tokens_unprocessed` now uses the joined rules when it is a plain
    `RegexLexer` (its own loop, not overridden); any other lexer is returned as it is."""
    from pygments.lexer import RegexLexer

    if type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed:
        return lexer
    steps = _steps(lexer)
    lexer.get_tokens_unprocessed = lambda text, stack=("root",): _tokens(lexer, steps, text,
                                                                          stack)
    return lexer


def _steps(lexer) -> dict[str, list]:
    """Each state's rules as steps: a rule `(match, action, new_state)` tried alone, or a run
    of rules joined, `(match, {outer group: rule})`."""
    cls = type(lexer)
    if cls not in _JOINED:
        base = re.compile("", cls.flags).flags
        _JOINED[cls] = {state: _join(rules, base) for state, rules in lexer._tokens.items()}
    return _JOINED[cls]


def _join(rules: list, base: int) -> list:
    steps: list = []
    run: list[tuple[str, tuple]] = []

    def close() -> None:
        if len(run) == 1:
            steps.append(run[0][1])
        elif run:
            parts, by_group, group = [], {}, 1
            for pattern, rule in run:
                parts.append(f"({pattern})")
                by_group[group] = rule
                group += 1 + rule[0].__self__.groups
            try:
                steps.append((re.compile("|".join(parts), base).match, by_group))
            except re.error:  # say, one group name in two rules: each alone, as Pygments does
                steps.extend(rule for _, rule in run)
        run.clear()

    for rule in rules:
        pattern = _joinable(rule[0], base)
        if pattern is None:
            close()
            steps.append(rule)
        else:
            run.append((pattern, rule))
    close()
    return steps


def _joinable(match, base: int) -> str | None:
    """The rule's pattern as it can stand in an alternation under `base` flags, or None."""
    compiled = getattr(match, "__self__", None)
    if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
        return None
    pattern = compiled.pattern
    if not pattern:
        return pattern  # `default(...)`: matches the empty string whatever its flags
    if compiled.flags & re.VERBOSE or _BACKREF.search(pattern) or len(pattern) > LONG:
        return None
    try:
        if re.compile(pattern, base).flags != compiled.flags:
            return None  # compiled with flags of its own
    except re.error:
        return None
    leading = _LEADING_FLAGS.match(pattern)
    if leading:  # `(?i)` must open a pattern: within the alternation it becomes a scope
        return f"(?{leading.group(1)}:{pattern[leading.end():]})"
    return pattern


def _tokens(lexer, tokendefs: dict[str, list], text: str, stack=("root",)) -> Iterator[tuple]:
    from pygments.token import Error, Whitespace, _TokenType

    pos = 0
    statestack = list(stack)
    steps = tokendefs[statestack[-1]]
    while 1:
        for step in steps:
            if len(step) == 2:
                chosen = step[0](text, pos)
                if not chosen:
                    continue
                rexmatch, action, new_state = step[1][chosen.lastindex]
            else:
                rexmatch, action, new_state = step
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(lexer, m)
                pos = m.end()
                if new_state is not None:
                    # state transition
                    if isinstance(new_state, tuple):
                        for state in new_state:
                            if state == '#pop':
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif state == '#push':
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(state)
                    elif isinstance(new_state, int):
                        # pop, but keep at least one state on the stack
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    elif new_state == '#push':
                        statestack.append(statestack[-1])
                    else:
                        assert False, f"wrong state def: {new_state!r}"
                    steps = tokendefs[statestack[-1]]
                break
        else:
            # no rule matched here
            try:
                if text[pos] == '\n':
                    # at EOL, reset state to "root"
                    statestack = ['root']
                    steps = tokendefs['root']
                    yield pos, Whitespace, '\n'
                    pos += 1
                    continue
                yield pos, Error, text[pos]
                pos += 1
            except IndexError:
                break
