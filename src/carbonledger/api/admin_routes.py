"""A tenant's people, machines and settings, for its admins: who holds which role, grants and
revocations, machines registered for client credentials, and the workspace's settings. Each
change is recorded in the tenant's history with who made it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, Field

from carbonledger import app
from carbonledger.api.run_routes import Reader
from carbonledger.api.security import Access, require
from carbonledger.app import server as jobs
from carbonledger.app.accounts import Permission, Role, clients, members
from carbonledger.app.server import acting_as

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{tenant}", tags=["people and machines"])
Admin = Annotated[Access, Depends(require(Permission.ADMIN))]
UserPath = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._@-]{1,128}$")]
ClientPath = Annotated[str, PathParam(pattern=r"^cl_[0-9a-f]{16}$")]
_PEOPLE = "|".join(str(r) for r in Role if r is not Role.CLIENT)


@router.get("/members", summary="The people with a role in the tenant")
def list_members(access: Admin) -> list[dict[str, Any]]:
    """Each person's name, role and whether they are disabled."""
    return members(access.server, access.tenant_id)


class Grant(BaseModel):
    """A role for a person; a password registers a new person (at least 12 characters)."""

    role: str = Field(pattern=f"^({_PEOPLE})$", examples=["analyst"])
    password: str | None = Field(None, min_length=12, max_length=1024)


@router.put("/members/{username}", summary="Give a person a role (registering a new one)")
def grant(access: Admin, username: UserPath, body: Grant) -> dict[str, Any]:
    """Replace the person's role in this tenant; their roles elsewhere stay."""
    with acting_as(access.actor):
        jobs.grant(access.server, access.tenant_id, username, body.role, body.password)
    return {"username": username, "role": body.role}


@router.delete("/members/{username}", status_code=204, summary="Take a person's role away")
def revoke(access: Admin, username: UserPath) -> Response:
    """From the person's next request on, this tenant answers them 404."""
    with acting_as(access.actor):
        jobs.revoke(access.server, access.tenant_id, username)
    return Response(status_code=204)


@router.get("/clients", summary="The tenant's machines (client credentials)")
def list_clients(access: Admin) -> list[dict[str, Any]]:
    """Each machine's id, name and when it was registered (never its secret)."""
    return clients(access.server, access.tenant_id)


class NewClient(BaseModel):
    """A machine to register."""

    name: str = Field(min_length=1, max_length=200, examples=["meter gateway"])


@router.post("/clients", status_code=201, summary="Register a machine; its secret is shown once")
def add_client(access: Admin, body: NewClient) -> dict[str, Any]:
    """Credentials for ``POST /oauth/token`` (the secret is not kept, only its hash)."""
    with acting_as(access.actor):
        client_id, secret = jobs.register_client(access.server, access.tenant_id, body.name)
    return {"client_id": client_id, "client_secret": secret, "name": body.name}


@router.delete("/clients/{client_id}", status_code=204, summary="Remove a machine")
def remove_client(access: Admin, client_id: ClientPath) -> Response:
    """The machine and every token it holds stop working at once."""
    with acting_as(access.actor):
        jobs.unregister_client(access.server, access.tenant_id, client_id)
    return Response(status_code=204)


@router.get("/settings", summary="The tenant's settings", tags=["settings"])
def settings(access: Reader) -> dict[str, Any]:
    """The workspace's settings (GWP set, consolidation, base year, periods, proxy regions,
    policies ...), as in ``carbonledger.toml``, without where its metadata lives."""
    return app.settings(access.workspace)


SETTINGS_EXAMPLE = {"gwp_set": "AR6GWP100", "proxy_regions": ["GB"]}


@router.patch("/settings", summary="Change settings (admins)", tags=["settings"])
def change_settings(
    access: Admin,
    changes: Annotated[
        dict[str, Any],
        Body(
            description="The fields to change and their new values (the others stay)",
            examples=[SETTINGS_EXAMPLE],
        ),
    ],
) -> dict[str, Any]:
    """Validated as a whole (a field it does not know or a value it does not admit is a 422
    problem naming it); recorded as one ``settings.changed`` event with each field's value
    before and after. Results computed before are not served again; runs are recalculated
    only when asked."""
    with acting_as(access.actor):
        changed = app.change_settings(access.workspace, changes)
    return {"changed": changed, "settings": app.settings(access.workspace)}
