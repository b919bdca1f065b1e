"""The model registry: deployments that routing groups are built from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.errors import ConflictError, FieldError, ValidationError
from gql_server.core.domain.models import (
    MAX_COST_PER_TOKEN,
    MAX_DEPLOYMENT_CHARS,
    MAX_RATE_LIMIT,
    Deployment,
    number_errors,
    provider_of,
)
from gql_server.core.domain.secret_box import SecretBox
from gql_server.core.litellm_adapter.router_builder import unknown_model
from gql_server.services.common import can_see, require_admin
from gql_server.services.ports import DuplicateKey, UnitOfWorkFactory

_KNOWN_PARAMS = {
    "model",
    "api_base",
    "api_key",
    "rpm",
    "tpm",
    "input_cost_per_token",
    "output_cost_per_token",
}


class DeploymentService:
    """Literal provider API keys are sealed by `box` before they are stored (see secret_box)."""

    def __init__(self, uow: UnitOfWorkFactory, box: SecretBox) -> None:
        self._uow = uow
        self._box = box

    def _sealed(self, deployment: Deployment) -> Deployment:
        sealed = self._box.seal(deployment.api_key)
        if sealed == deployment.api_key:
            return deployment
        return deployment.model_copy(update={"api_key": sealed})

    async def seal_stored_keys(self) -> int:
        """Encrypt, in place, the plaintext keys of rows stored before encryption existed.
        One transaction; returns how many rows changed."""
        changed = 0
        async with self._uow() as uow:
            for deployment in await uow.deployments.list():
                sealed = self._sealed(deployment)
                if sealed is not deployment:
                    await uow.deployments.upsert(sealed)
                    changed += 1
            await uow.commit()
        return changed

    async def all(self, who: Principal) -> list[Deployment]:
        async with self._uow() as uow:
            return await uow.deployments.list()

    async def visible(self, who: Principal) -> list[Deployment]:
        """The registry as `who` may see it: everything for the master key, otherwise only the
        deployments of the groups assigned to the caller's key or team."""
        async with self._uow() as uow:
            deployments = await uow.deployments.list()
            if who.is_admin:
                return deployments
            groups = [g for g in await uow.groups.list_all() if can_see(who, g)]
        wanted = {m.model_id for g in groups for m in g.deployments}
        return [d for d in deployments if d.model_id in wanted]

    async def create(self, who: Principal, deployment: Deployment) -> Deployment:
        require_admin(who, "add deployments")
        _check(deployment, routable=True)
        async with self._uow() as uow:
            try:
                await uow.deployments.add(self._sealed(deployment))
            except DuplicateKey as exc:
                raise ConflictError(
                    f"a deployment with id {deployment.model_id!r} already exists"
                ) from exc
            await uow.commit()
        return deployment

    async def import_model_list(self, entries: Iterable[dict[str, Any]]) -> list[str]:
        """Upsert LiteLLM `model_list` entries by `model_info.id`, in one transaction."""
        deployments = [deployment_from_config(e, i) for i, e in enumerate(entries)]
        async with self._uow() as uow:
            for d in deployments:
                await uow.deployments.upsert(self._sealed(d))
            await uow.commit()
        return [d.model_id for d in deployments]


def deployment_from_config(entry: dict[str, Any], index: int) -> Deployment:
    """One `model_list` item -> Deployment. `os.environ/NAME` values stay references."""
    where = f"model_list[{index}]"
    params = dict(entry.get("litellm_params") or {})
    info = dict(entry.get("model_info") or {})
    model_id = info.get("id")
    model = params.get("model")
    if not model_id or not model or not entry.get("model_name"):
        raise ValidationError(
            [FieldError(where, "needs model_name, litellm_params.model and model_info.id")]
        )
    deployment = Deployment(
        model_id=str(model_id),
        model_name=str(entry["model_name"]),
        litellm_model=str(model),
        provider=str(
            info.get("provider") or params.get("custom_llm_provider") or provider_of(model)
        ),
        display_name=info.get("display_name"),
        api_base=params.get("api_base"),
        api_key=params.get("api_key"),
        rpm=params.get("rpm"),
        tpm=params.get("tpm"),
        input_cost_per_token=params.get("input_cost_per_token"),
        output_cost_per_token=params.get("output_cost_per_token"),
        extra_params={k: v for k, v in params.items() if k not in _KNOWN_PARAMS},
    )
    _check(deployment, where)
    return deployment


def _check(d: Deployment, where: str = "", *, routable: bool = False) -> None:
    """Every field bounded; with `routable`, also a model litellm can route to (a new
    deployment: one litellm does not know would only fail later, when a group is built)."""
    prefix = f"{where}." if where else ""
    errors: list[FieldError] = []
    for field, text in _texts(d).items():
        if text is not None and len(text) > MAX_DEPLOYMENT_CHARS[field]:
            errors.append(
                FieldError(
                    f"{prefix}{field}",
                    f"at most {MAX_DEPLOYMENT_CHARS[field]:,} characters (got {len(text):,})",
                )
            )
    if not d.model_id.strip():
        errors.append(FieldError(f"{prefix}modelId", "must not be empty"))
    if not d.litellm_model.strip():
        errors.append(FieldError(f"{prefix}modelName", "must not be empty"))
    elif routable and len(d.litellm_model) <= MAX_DEPLOYMENT_CHARS["modelName"]:
        provider = d.extra_params.get("custom_llm_provider")
        problem = unknown_model(d.litellm_model, provider if isinstance(provider, str) else None)
        if problem is not None:
            errors.append(FieldError(f"{prefix}modelName", problem))
    for name, value in (("rpm", d.rpm), ("tpm", d.tpm)):
        if value is not None:
            errors.extend(number_errors(f"{prefix}{name}", value, 0, MAX_RATE_LIMIT))
    for name, cost in (
        ("inputCostPerToken", d.input_cost_per_token),
        ("outputCostPerToken", d.output_cost_per_token),
    ):
        if cost is not None:
            errors.extend(number_errors(f"{prefix}{name}", cost, 0, MAX_COST_PER_TOKEN))
    if errors:
        raise ValidationError(errors)


def _texts(d: Deployment) -> dict[str, str | None]:
    """A deployment's text fields by their GraphQL input names."""
    mock = d.extra_params.get("mock_response")
    return {
        "modelId": d.model_id,
        "modelName": d.litellm_model,
        "publicModelName": d.model_name,
        "provider": d.provider,
        "displayName": d.display_name,
        "apiBase": d.api_base if isinstance(d.api_base, str) else None,
        "apiKey": d.api_key if isinstance(d.api_key, str) else None,
        "mockResponse": mock if isinstance(mock, str) else None,
    }
