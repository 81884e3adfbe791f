"""Prometheus metrics, named <service>_<what>_<unit>, created once per process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# No `<name>_created` series beside each counter and histogram: they double the series and nobody reads them.
disable_created_metrics()

_cache: dict[str, Counter | Gauge | Histogram] = {}


def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
    metric = _cache.get(name)
    if metric is None:
        metric = _cache[name] = Counter(name, doc, labels)
    assert isinstance(metric, Counter)
    return metric


def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
    metric = _cache.get(name)
    if metric is None:
        metric = _cache[name] = Gauge(name, doc, labels)
    assert isinstance(metric, Gauge)
    return metric


def histogram(name: str, doc: str, labels: tuple[str, ...] = ()) -> Histogram:
    metric = _cache.get(name)
    if metric is None:
        metric = _cache[name] = Histogram(name, doc, labels)
    assert isinstance(metric, Histogram)
    return metric
