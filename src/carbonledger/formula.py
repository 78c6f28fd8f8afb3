"""Formulas written as data: arithmetic over quantities with units (measure types of the plan
room, methodologies of the ecosystem room).

A formula is a Python arithmetic expression over input names (``count * power * hours *
(1 / efficiency_before - 1 / efficiency_after)``): numbers, names, ``+ - * / **``, unary minus,
parentheses and the functions ``min``, ``max`` and ``abs``. Nothing else parses, so a formula
read from a user's file can compute but never act. The inputs are pint quantities (scalars or
numpy arrays), so the result carries its unit and a formula that adds kW to kWh fails with the
dimensions named. :func:`to_sql` writes the same formula as a SQL expression, so that an engine
computes it over billions of rows once its units have been checked here.

Examples
--------
>>> from carbonledger.units import ureg
>>> evaluate("power * hours", {"power": ureg.Quantity(2, "kW"), "hours": ureg.Quantity(3, "h")})
<Quantity(6, 'hour * kilowatt')>
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import pint

from carbonledger.errors import CarbonLedgerError
from carbonledger.units import ureg

__all__ = ["evaluate", "names_in", "to_sql"]

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs}
_SQL_BINARY: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_SQL_FUNCTIONS = {"min": "LEAST", "max": "GREATEST", "abs": "ABS"}


@cache
def _parse(formula: str) -> ast.Expression:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise CarbonLedgerError(f"formula {formula!r} does not parse: {exc.msg}") from exc
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.USub,
            ast.UAdd,
            ast.Constant,
            ast.Name,
            ast.Load,
            ast.Call,
            *_BINARY,
        )
        if not isinstance(node, allowed):
            raise CarbonLedgerError(
                f"formula {formula!r}: {type(node).__name__} is not allowed (numbers, names, "
                "+ - * / **, parentheses, min, max, abs)"
            )
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS and not node.keywords
        ):
            raise CarbonLedgerError(f"formula {formula!r}: only min, max and abs may be called")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise CarbonLedgerError(f"formula {formula!r}: {node.value!r} is not a number")
    return tree


def names_in(formula: str) -> set[str]:
    """The input names a formula reads."""
    tree = _parse(formula)
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in calls}


def evaluate(formula: str, values: Mapping[str, pint.Quantity]) -> pint.Quantity:
    """The formula's value over ``values`` (quantities by input name).

    Raises
    ------
    CarbonLedgerError
        If the formula reads an input it was not given, or its units do not combine.
    """
    missing = names_in(formula) - set(values)
    if missing:
        raise CarbonLedgerError(f"formula {formula!r} needs {sorted(missing)}")

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return ureg.Quantity(node.value, "")
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return _FUNCTIONS[node.func.id](*(walk(a) for a in node.args))

    try:
        result = walk(_parse(formula))
    except pint.DimensionalityError as exc:
        raise CarbonLedgerError(f"formula {formula!r}: units do not combine ({exc})") from exc
    except ZeroDivisionError as exc:
        raise CarbonLedgerError(f"formula {formula!r} divides by zero") from exc
    return result if isinstance(result, pint.Quantity) else ureg.Quantity(result, "")


def to_sql(formula: str, columns: Mapping[str, str]) -> str:
    """The formula as a SQL expression, each input name replaced by its expression in
    ``columns`` (a column, or a column times the factor that brings it to base units).

    Numbers are written as they are, ``**`` as ``POWER``, ``min`` / ``max`` as ``LEAST`` /
    ``GREATEST``; every operation is parenthesised, so the SQL's precedence is the formula's.
    Check the units with :func:`evaluate` first: SQL knows none.

    Examples
    --------
    >>> to_sql("amount * (1 - max(share, 0.5))", {"amount": "a", "share": "s"})
    '(a * (1 - GREATEST(s, 0.5)))'
    """
    missing = names_in(formula) - set(columns)
    if missing:
        raise CarbonLedgerError(f"formula {formula!r} needs {sorted(missing)}")

    def walk(node: ast.AST) -> str:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return repr(float(node.value)) if isinstance(node.value, float) else str(node.value)
        if isinstance(node, ast.Name):
            return columns[node.id]
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return f"(-{inner})" if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Pow):
                return f"POWER({left}, {right})"
            return f"({left} {_SQL_BINARY[type(node.op)]} {right})"
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        args = ", ".join(walk(a) for a in node.args)
        return f"{_SQL_FUNCTIONS[node.func.id]}({args})"

    return walk(_parse(formula))
