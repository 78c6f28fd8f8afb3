"""``carbonledger serve`` and ``carbonledger server ...``: the REST API and its accounts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import lazy_module
from carbonledger.cli._output import console, fail_cleanly

__all__ = ["serve", "server_app"]

server_app = typer.Typer(
    help="A server's tenants, people and machines (the REST API's accounts).",
    rich_markup_mode="rich",
    no_args_is_help=True,
)
RootOption = Annotated[
    Path,
    typer.Option("--root", "-r", envvar="CARBONLEDGER_SERVER_ROOT", help="The server folder."),
]
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _accounts():  # type: ignore[no-untyped-def]
    return lazy_module("carbonledger.app.accounts")


def _server(root: Path, create: bool = False):  # type: ignore[no-untyped-def]
    return lazy_module("carbonledger.app.server").open_server(root, create)


@server_app.command("init")
def init(root: RootOption = Path("carbonledger-server")) -> None:
    """Create a server folder (accounts database; tenants' workspaces go under it)."""
    with fail_cleanly(False):
        server = _server(root, create=True)
    console.print(f"server folder {server.root}")


@server_app.command("add-tenant")
def add_tenant(
    tenant: Annotated[str, typer.Argument(help="Tenant id: lower-case letters, digits, -")],
    name: Annotated[str, typer.Option(help="The organisation's name")],
    root: RootOption = Path("carbonledger-server"),
) -> None:
    """Register an organisation and create its workspace."""
    with fail_cleanly(False):
        workspace = lazy_module("carbonledger.app.server").add_tenant(_server(root), tenant, name)
    console.print(f"tenant {tenant}: workspace {workspace.root}")


@server_app.command("add-user")
def add_user(
    username: str,
    tenant: Annotated[str, typer.Option(help="Tenant the person works in")],
    role: Annotated[str, typer.Option(help="admin, analyst, viewer or verifier")],
    root: RootOption = Path("carbonledger-server"),
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Register a person with a password (asked for; never a command-line argument in
    scripts: use the prompt or CARBONLEDGER_PASSWORD) and a role in a tenant."""
    secret = os.environ.get("CARBONLEDGER_PASSWORD") or password
    with fail_cleanly(False):
        server = _server(root)
        accounts = _accounts()
        accounts.add_user(server, username, secret)
        accounts.add_member(server, username, tenant, role)
    console.print(f"user {username}: {role} in {tenant}")


@server_app.command("grant")
def grant(
    username: str,
    tenant: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help="admin, analyst, viewer or verifier")],
    root: RootOption = Path("carbonledger-server"),
) -> None:
    """Give an existing person a role in a tenant."""
    with fail_cleanly(False):
        _accounts().add_member(_server(root), username, tenant, role)
    console.print(f"user {username}: {role} in {tenant}")


@server_app.command("add-client")
def add_client(
    tenant: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option(help="What the machine is (a meter gateway ...)")],
    root: RootOption = Path("carbonledger-server"),
) -> None:
    """Register a machine for OAuth 2.0 client credentials; its secret is shown once."""
    with fail_cleanly(False):
        client_id, secret = _accounts().add_client(_server(root), tenant, name)
    console.print(f"client_id     {client_id}\nclient_secret {secret}  (shown once)")


def serve(
    root: RootOption = Path("carbonledger-server"),
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (uvicorn)")] = 1,
) -> None:
    """Run the REST API (OpenAPI at /docs and /openapi.json) and the dashboard (/) over a
    server folder.

    Example: [bold]carbonledger serve --root srv --port 8000[/]. On a loopback address the
    session cookie may travel over plain HTTP; anywhere else put it behind HTTPS (a reverse
    proxy), see docs/api.md.
    """
    import uvicorn

    with fail_cleanly(False):
        _server(root, create=True)
    os.environ["CARBONLEDGER_SERVER_ROOT"] = str(root)
    if host in _LOOPBACK:
        os.environ.setdefault("CARBONLEDGER_SECURE_COOKIES", "0")
    uvicorn.run(
        "carbonledger.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )
