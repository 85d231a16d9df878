"""One throughput run's figures, and the summary of a scenario's runs."""

from dataclasses import dataclass


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    codes: dict[int, int]
    transport_errors: int
    generator_cpu: float
    server_cpu: float
    machine_busy: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.transport_errors + sum(n for code, n in self.codes.items() if code >= 400)

    def line(self) -> str:
        codes = " ".join(f"{code}: {n}" for code, n in sorted(self.codes.items()))
        return (
            f"{self.name:<22} {self.rate:8.1f} req/s  p50 {self.p50_ms:6.1f}  p95 {self.p95_ms:6.1f}  "
            f"p99 {self.p99_ms:6.1f} ms  errors {self.errors:<4} [{codes}]  "
            f"cpu: load generator {self.generator_cpu:4.0%} of a core, gunicorn {self.server_cpu:4.0%} "
            f"({self.server_ms_per_request:.1f} ms a request), machine {self.machine_busy:4.0%} busy"
        )

    @property
    def server_ms_per_request(self) -> float:
        """gunicorn's CPU time per request: what the app costs, whatever else the machine is running."""
        return 1000 * self.server_cpu / self.rate if self.requests else float("nan")


def print_summary(results: dict[str, list[Result]]) -> None:
    """Best and median run of each scenario: one run can land on an unlucky spread of connections."""
    print("\nsummary (best and median of the runs):")
    for name, runs in results.items():
        rates = sorted((r.rate for r in runs), reverse=True)
        median = sorted(runs, key=lambda r: r.rate)[(len(runs) - 1) // 2]  # the lower median
        print(
            f"  {name:<20} best {rates[0]:7.1f} req/s, median {median.rate:7.1f} req/s "
            f"(p50 {median.p50_ms:.1f} / p95 {median.p95_ms:.1f} / p99 {median.p99_ms:.1f} ms), "
            f"errors {sum(r.errors for r in runs)}, gunicorn CPU {median.server_ms_per_request:.1f} ms a request"
        )
