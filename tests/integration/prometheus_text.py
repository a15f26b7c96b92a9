"""A strict parser for the Prometheus text exposition format 0.0.4, enough to
check what /metrics serves: HELP/TYPE before samples, one TYPE per family,
well-formed names, labels and values, and histogram invariants."""
import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


class ParseError(ValueError):
    pass


def _parse_value(text, line_no):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise ParseError(f"line {line_no}: bad value {text!r}")


def _parse_labels(text, pos, line_no):
    """Parses '{a="b",c="d"}' starting at text[pos] == '{'; returns (labels, end)."""
    try:
        return _parse_label_body(text, pos, line_no)
    except IndexError:
        raise ParseError(f"line {line_no}: unterminated labels")


def _parse_label_body(text, pos, line_no):
    labels = {}
    pos += 1
    while True:
        if text[pos] == "}":
            return labels, pos + 1
        m = LABEL_NAME.match(text, pos)
        if not m:
            raise ParseError(f"line {line_no}: bad label name at {text[pos:]!r}")
        name = m.group(0)
        pos = m.end()
        if text[pos:pos + 2] != '="':
            raise ParseError(f"line {line_no}: expected =\" after {name}")
        pos += 2
        value = []
        while text[pos] != '"':
            if text[pos] == "\\":
                escaped = text[pos + 1]
                if escaped not in ('\\', '"', 'n'):
                    raise ParseError(f"line {line_no}: bad escape \\{escaped}")
                value.append("\n" if escaped == "n" else escaped)
                pos += 2
            else:
                value.append(text[pos])
                pos += 1
        pos += 1
        if name in labels:
            raise ParseError(f"line {line_no}: duplicate label {name}")
        labels[name] = "".join(value)
        if text[pos] == ",":
            pos += 1
        elif text[pos] != "}":
            raise ParseError(f"line {line_no}: expected , or }} in labels")


def _family_of(sample_name, families):
    if sample_name in families:
        return sample_name
    for suffix in ("_bucket", "_sum", "_count"):
        base = sample_name[: -len(suffix)]
        if sample_name.endswith(suffix) and families.get(base, {}).get("type") == "histogram":
            return base
    return None


def parse(text):
    """Returns {family: {"type", "help", "samples": [(name, labels, value)]}}."""
    if text and not text.endswith("\n"):
        raise ParseError("the exposition must end with a newline")
    families = {}
    for line_no, line in enumerate(text.split("\n")[:-1], 1):
        if not line:
            continue
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            _, kind, name, *rest = line.split(" ", 3)
            if not NAME.fullmatch(name):
                raise ParseError(f"line {line_no}: bad metric name {name!r}")
            family = families.setdefault(name, {"type": None, "help": None, "samples": []})
            if kind == "HELP":
                if family["help"] is not None:
                    raise ParseError(f"line {line_no}: second HELP for {name}")
                family["help"] = rest[0] if rest else ""
            else:
                if family["type"] is not None or family["samples"]:
                    raise ParseError(f"line {line_no}: TYPE for {name} after its samples or twice")
                if not rest or rest[0] not in TYPES:
                    raise ParseError(f"line {line_no}: bad type for {name}")
                family["type"] = rest[0]
            continue
        if line.startswith("#"):
            continue
        m = NAME.match(line)
        if not m:
            raise ParseError(f"line {line_no}: bad sample {line!r}")
        name, pos = m.group(0), m.end()
        labels = {}
        if pos < len(line) and line[pos] == "{":
            labels, pos = _parse_labels(line, pos, line_no)
        if pos >= len(line) or line[pos] != " ":
            raise ParseError(f"line {line_no}: expected a space before the value")
        parts = line[pos + 1:].split(" ")
        if len(parts) > 2:
            raise ParseError(f"line {line_no}: trailing text")
        value = _parse_value(parts[0], line_no)
        family_name = _family_of(name, families)
        if family_name is None or families[family_name]["type"] is None:
            raise ParseError(f"line {line_no}: sample {name} without a TYPE line")
        families[family_name]["samples"].append((name, labels, value))
    for name, family in families.items():
        if family["type"] == "histogram":
            _check_histogram(name, family["samples"])
        if family["type"] == "counter":
            for sample in family["samples"]:
                if sample[2] < 0:
                    raise ParseError(f"counter {name} is negative")
    return families


def _check_histogram(name, samples):
    series = {}
    for sample_name, labels, value in samples:
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        entry = series.setdefault(key, {"buckets": [], "sum": None, "count": None})
        if sample_name == name + "_bucket":
            if "le" not in labels:
                raise ParseError(f"{name}_bucket without le")
            entry["buckets"].append((_parse_value(labels["le"], 0), value))
        elif sample_name == name + "_sum":
            entry["sum"] = value
        elif sample_name == name + "_count":
            entry["count"] = value
        else:
            raise ParseError(f"histogram {name} has a plain sample {sample_name}")
    for key, entry in series.items():
        buckets = entry["buckets"]
        if not buckets or buckets[-1][0] != math.inf:
            raise ParseError(f"histogram {name}{key} lacks a +Inf bucket")
        if [b[0] for b in buckets] != sorted(b[0] for b in buckets):
            raise ParseError(f"histogram {name}{key}: le not increasing")
        if any(a[1] > b[1] for a, b in zip(buckets, buckets[1:])):
            raise ParseError(f"histogram {name}{key}: buckets not cumulative")
        if entry["sum"] is None or entry["count"] is None:
            raise ParseError(f"histogram {name}{key} lacks _sum or _count")
        if entry["count"] != buckets[-1][1]:
            raise ParseError(f"histogram {name}{key}: _count differs from the +Inf bucket")


def value(families, name, **labels):
    """The value of the one sample `name` whose labels include `labels`."""
    family = families[_family_of(name, families) or name]
    matches = [v for n, l, v in family["samples"]
               if n == name and all(l.get(k) == str(w) for k, w in labels.items())]
    if len(matches) != 1:
        raise KeyError(f"{name}{labels}: {len(matches)} samples")
    return matches[0]
