"""litellm's rpm/tpm minutes follow a virtual-clock run's simulated minutes.

Measured before: a 5-minute simulated run at 1 req/s on one deployment with rpm=20 let 19
requests through in all (every simulated minute shared the one wall minute's budget).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from litellm.router_strategy import lowest_tpm_rpm_v2

from gql_server.core import virtual_clock
from gql_server.core.models import GroupDeployment, Strategy
from gql_server.core.scenario import SimulationClock, TrafficPattern, TrafficSpec
from gql_server.core.simulation import SimulationRequest
from gql_server.core.usage_minutes import install_run_minutes, usage_now
from tests.fakes import make_deployment, make_group
from tests.unit.simulate import simulate


def test_an_rpm_limit_holds_per_simulated_minute() -> None:
    group = make_group(Strategy.USAGE_BASED, [GroupDeployment(model_id="a")])
    request = SimulationRequest(
        num_requests=0,
        concurrency=0,
        seed=3,
        traffic=TrafficSpec(
            rate_per_second=1, duration_seconds=300, pattern=TrafficPattern.CONSTANT
        ),
    )
    summary, traces, _ = simulate(group, {"a": make_deployment("a", rpm=20)}, request)

    assert summary.total_requests == 300
    served = Counter(int(t.started_at_ms // 60_000) for t in traces if t.success)
    # litellm stops picking a deployment at count + 1 >= rpm (19 a minute); its pre-call check
    # admits up to rpm. Tolerance: 17..20 in each of the 5 simulated minutes.
    assert sorted(served) == [0, 1, 2, 3, 4], served
    assert all(17 <= n <= 20 for n in served.values()), served
    # the rest were passed over for the limit, and say so
    refused = [t for t in traces if not t.success]
    assert refused
    assert all(s.reason == "rpm_limit" for t in refused for s in t.skipped)
    assert all(t.skipped for t in refused)


async def test_outside_a_virtual_clock_the_minute_is_the_wall_clocks() -> None:
    """Live Routers (the server's loop) keep litellm's wall-clock minutes."""
    install_run_minutes()
    assert lowest_tpm_rpm_v2.get_utc_datetime is usage_now  # what litellm's strategy reads
    before = datetime.now(UTC)
    now = lowest_tpm_rpm_v2.get_utc_datetime()
    after = datetime.now(UTC)
    assert before <= now <= after


def test_on_a_virtual_clock_minutes_start_with_the_loop() -> None:
    async def minutes() -> list[str]:
        seen = [usage_now().strftime("%H-%M")]
        await asyncio.sleep(59.9)
        seen.append(usage_now().strftime("%H-%M"))
        await asyncio.sleep(0.2)
        seen.append(usage_now().strftime("%H-%M"))
        return seen

    assert virtual_clock.run(minutes(), SimulationClock.VIRTUAL) == ["00-00", "00-00", "00-01"]
