"""Validation for the convolution core: operands, integer parameters, padding, size limits.

Every check raises `ConvError` (a `ValueError`) whose message puts the argument in backticks,
quotes the value received and says what is accepted. Nothing here allocates memory in
proportion to a result: the size checks work from shapes alone.
"""

from __future__ import annotations

import numbers

import numpy as np

#: Largest number of elements of any array one call may allocate (padded input, uncropped
#: transposed output, drawn grid, output): 400 MB of float64. Checked from the shapes alone,
#: before any memory is taken.
MAX_ELEMENTS = 50_000_000

#: Largest number of multiply-adds one call may perform (output elements x kernel taps x
#: input channels per group), about a few seconds of work. Checked from the shapes alone.
MAX_WORK = 1_000_000_000

#: Largest number of output cells `steps()` will trace (one `Step` object each).
MAX_TRACE_STEPS = 10_000

INT64_MAX = 2**63 - 1
PADDING_KEYWORDS = ("valid", "same", "full")


class ConvError(ValueError):
    """A convolution argument that the core refuses; the message names argument, value and fix."""


def short(value, limit: int = 60) -> str:
    """`repr(value)`, cut to `limit` characters for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(arr: np.ndarray) -> str:
    return f"a {arr.ndim}-D array of shape {tuple(arr.shape)}"


def _scan(value):
    """Entries of a nested list/tuple that NumPy would silently convert: a bool (to 0/1) or
    an int beyond int64 (to float64 or uint64). Returns the first found, or None."""
    if isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, int) and abs(value) > INT64_MAX:
        return value
    if isinstance(value, (list, tuple)):
        for item in value:
            found = _scan(item)
            if found is not None:
                return found
    return None


def as_operand(name: str, value, ndims: tuple[int, ...]) -> np.ndarray:
    """Coerce `value` to an int64 or float64 array with one of `ndims` dimensions, or refuse.

    Integers (any width, Python ints within int64) become int64; floats become float64.
    Booleans, strings, complex numbers, None and other objects are refused, as are ragged
    nesting, empty arrays, NaN and infinities.
    """
    accepted = " or ".join(f"{n}-D" for n in ndims)
    found = None if isinstance(value, np.ndarray) else _scan(value)
    if found is not None and not isinstance(found, (bool, np.bool_)):
        raise ConvError(
            f"`{name}` holds {found}, beyond the int64 range; "
            f"accepted: integers of magnitude at most {INT64_MAX}, or floats"
        )
    if isinstance(value, np.ndarray) and value.dtype.kind == "b" or found is not None:
        raise ConvError(
            f"`{name}` must hold numbers, got boolean entries in {short(value)}; "
            "accepted: integers or floats (write 0 and 1 for booleans)"
        )
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ConvError(
            f"`{name}` has ragged rows (rows of different lengths), got {short(value)}; "
            f"accepted: a {accepted} array whose rows all have the same length"
        ) from exc
    kind = arr.dtype.kind
    if kind == "O":
        arr = _from_objects(name, arr, value)
        kind = arr.dtype.kind
    if kind not in "iuf":
        raise ConvError(
            f"`{name}` must hold real numbers, got {short(value)} (dtype {arr.dtype}); "
            "accepted: integers or floats"
        )
    if arr.ndim not in ndims:
        few = "too few" if arr.ndim < min(ndims) else "too many"
        raise ConvError(
            f"`{name}` has {few} dimensions: got {_describe(arr)}; accepted: a {accepted} array"
        )
    if arr.size == 0:
        raise ConvError(
            f"`{name}` must not be empty, got {_describe(arr)}; "
            "accepted: at least one element along every axis"
        )
    if kind == "f":
        arr = arr.astype(np.float64, copy=False)
        # min and max propagate NaN and expose infinities without an array-sized temporary
        if not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
            bad = float(arr[~np.isfinite(arr)].flat[0])
            raise ConvError(
                f"`{name}` must be finite, got {bad!r} in {short(value)}; "
                "accepted: finite numbers (no NaN or infinity)"
            )
    else:
        if kind == "u" and arr.dtype.itemsize == 8 and int(arr.max()) > INT64_MAX:
            raise ConvError(
                f"`{name}` holds {int(arr.max())}, beyond the int64 range; "
                f"accepted: integers of magnitude at most {INT64_MAX}, or floats"
            )
        arr = arr.astype(np.int64, copy=False)
    return arr


def _from_objects(name: str, arr: np.ndarray, value) -> np.ndarray:
    """An object array: Python ints too large for int64, or non-numeric entries."""
    flat = arr.ravel()
    for item in flat:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, numbers.Real):
            raise ConvError(
                f"`{name}` must hold real numbers, got {short(item)} in {short(value)}; "
                "accepted: integers or floats"
            )
    if all(isinstance(item, numbers.Integral) for item in flat):
        big = max((int(item) for item in flat), key=abs)
        if abs(big) > INT64_MAX:
            raise ConvError(
                f"`{name}` holds {big}, beyond the int64 range; "
                f"accepted: integers of magnitude at most {INT64_MAX}, or floats"
            )
        return arr.astype(np.int64)
    return arr.astype(np.float64)


def check_int(name: str, value, *, minimum: int) -> int:
    """A plain integer (Python or NumPy, not bool) >= minimum."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        return None  # caller words the message
    value = int(value)
    return value if value >= minimum else None


def per_axis(name: str, value, naxes: int, *, minimum: int, what: str) -> tuple[int, ...]:
    """An int or one int per axis, each >= minimum; `what` words the accepted values."""
    if naxes == 1:
        accepted = f"a {what} or a list of 1"
    else:
        accepted = f"a {what} or a pair of them [rows, cols]"
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
        if len(items) != naxes:
            raise ConvError(
                f"`{name}` must be {accepted}, got {short(value)} ({len(items)} values)"
            )
        out = tuple(check_int(name, v, minimum=minimum) for v in items)
        if any(v is None for v in out):
            raise ConvError(f"`{name}` must be {accepted}, got {short(value)}")
        return out
    single = check_int(name, value, minimum=minimum)
    if single is None:
        raise ConvError(f"`{name}` must be {accepted}, got {short(value)}")
    return (single,) * naxes


def positive(name: str, value, naxes: int) -> tuple[int, ...]:
    return per_axis(name, value, naxes, minimum=1, what="positive integer")


def padding_pairs(
    value, naxes: int, kernel: tuple[int, ...], stride: tuple[int, ...],
    dilation: tuple[int, ...], *, keywords=PADDING_KEYWORDS, allow_asymmetric: bool = True,
) -> tuple[tuple[int, int], ...]:
    """Resolve `padding` to ((before, after), ...) per axis.

    Keywords: "valid" (0), "full" (d(k-1) each side), "same" (total d(k-1), floor(total/2)
    before and the rest after, PyTorch's rule; stride 1 only). Numbers: an int; 1-D: [left,
    right]; 2-D: [rows, cols] or [top, bottom, left, right].
    """
    forms = [f'"{kw}"' for kw in keywords] + ["a non-negative integer"]
    if naxes == 1:
        forms.append("[left, right]" if allow_asymmetric else None)
    else:
        forms.append("[rows, cols]")
        if allow_asymmetric:
            forms.append("[top, bottom, left, right]")
    accepted = ", ".join(f for f in forms if f)
    if isinstance(value, str):
        if value not in keywords:
            raise ConvError(f"`padding` must be one of {accepted}; got {value!r}")
        reach = [d * (k - 1) for k, d in zip(kernel, dilation)]
        if value == "valid":
            return tuple((0, 0) for _ in kernel)
        if value == "full":
            return tuple((r, r) for r in reach)
        if any(s != 1 for s in stride):
            raise ConvError(
                f"`padding` \"same\" needs stride 1, got `stride` {list(stride)}; accepted: "
                "stride 1 with \"same\", or an explicit padding with any stride"
            )
        return tuple((r // 2, r - r // 2) for r in reach)
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else list(value)
        nums = [check_int("padding", v, minimum=0) for v in items]
        if any(v is None for v in nums):
            raise ConvError(f"`padding` must be one of {accepted}; got {short(value)}")
        if naxes == 1 and len(nums) == 2 and allow_asymmetric:
            return ((nums[0], nums[1]),)
        if naxes == 1 and len(nums) == 1:
            return ((nums[0], nums[0]),)
        if naxes == 2 and len(nums) == 2:
            return ((nums[0], nums[0]), (nums[1], nums[1]))
        if naxes == 2 and len(nums) == 4 and allow_asymmetric:
            return ((nums[0], nums[1]), (nums[2], nums[3]))
        raise ConvError(
            f"`padding` must be one of {accepted}; got {short(value)} ({len(nums)} values)"
        )
    single = check_int("padding", value, minimum=0)
    if single is None:
        raise ConvError(f"`padding` must be one of {accepted}; got {short(value)}")
    return tuple((single, single) for _ in kernel)


def check_fits(
    in_shape: tuple[int, ...], kernel: tuple[int, ...], pads, dilation: tuple[int, ...],
    *, operand: str = "x", kernel_name: str = "k",
) -> None:
    """Refuse a (dilated) kernel larger than the padded input on any axis."""
    for axis, (i, k, (a, b), d) in enumerate(zip(in_shape, kernel, pads, dilation)):
        span = d * (k - 1) + 1
        if span > i + a + b:
            raise ConvError(
                f"`{kernel_name}` is larger than the padded input on axis {axis}: the "
                f"{'dilated ' if d > 1 else ''}kernel spans {span} cells"
                f"{f' (size {k}, dilation {d})' if d > 1 else ''}, the padded `{operand}` has "
                f"{i + a + b} (size {i}, padding {a}+{b}); accepted: a kernel span at most the "
                "padded input size (more padding, a smaller kernel or less dilation)"
            )


def check_limit(what: str, count: int, names: str) -> None:
    """Refuse an array of `count` elements over MAX_ELEMENTS; `names` lists the arguments."""
    if count > MAX_ELEMENTS:
        raise ConvError(
            f"{names}: the {what} would have {count:,} elements, over the core's limit MAX_ELEMENTS = "
            f"{MAX_ELEMENTS:,}; accepted: smaller inputs, kernels or padding, or a larger stride"
        )


def check_work(count: int, names: str) -> None:
    """Refuse a call of `count` multiply-adds over MAX_WORK; `names` lists the arguments."""
    if count > MAX_WORK:
        raise ConvError(
            f"{names}: the call would take {count:,} multiply-adds (output elements x kernel taps x "
            f"channels), over the core's limit MAX_WORK = {MAX_WORK:,}; accepted: smaller "
            "inputs or kernels, or a larger stride"
        )


def check_int_range(bound: int, names: str) -> None:
    """Refuse integer data whose result could leave int64 (the bound is computed exactly)."""
    if bound > INT64_MAX:
        raise ConvError(
            f"{names}: integer results could reach {bound:,}, beyond int64 ({INT64_MAX:,}); "
            "accepted: integer data whose max |x| * max |k| * taps stays within int64, "
            "or float data (rounded)"
        )


def max_abs(arr: np.ndarray) -> int:
    return max(abs(int(arr.max())), abs(int(arr.min())))
