"""Teams: the SDK's adapter and who may talk to it (tokens in, tokens out).

In: `POST /api/messages` goes through the SDK's own JWT check
(`jwt_authorization_decorator`). With an app id, a request needs a Bot Framework
token signed by Microsoft for that app id; in dev mode (no app id) a request
without a token is accepted. The Agents SDK 1.9 answers 401 to a missing token
even with an empty client id unless `anonymous_allowed` is set
(../shared/INTEGRATIONS.md, "Teams"). Then the activity's serviceUrl must be on
the host its token was issued for (`_service_url_vouched`).

Out: replies and proactive messages get a token from Entra through msal for the
app id, or none in dev mode. Proactive sends pass their own `ClaimsIdentity`:
`continue_conversation("")` fails with "TENANT_ID is not set" before any HTTP
call when there is no app id (Agents SDK 1.9).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable

from aiohttp import web
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.core.authorization import AuthenticationConstants
from yarl import URL

from bot.chat.teams import ROUTE, Attach, TeamsConfig
from bot.chat.teams_app import TeamsBot

log = logging.getLogger(__name__)
# The SDK's middleware also stores the claims under a str request key, which aiohttp
# answers with a NotAppKeyWarning on the first request; it is the SDK's choice, not a fault.
warnings.filterwarnings(
    "ignore",
    category=web.NotAppKeyWarning,
    module=r"microsoft_agents\.hosting\.aiohttp\.jwt_authorization_middleware",
)

# The SDK's JWT decorator reads its configuration from `app["agent_configuration"]`,
# a plain str key (microsoft_agents/hosting/aiohttp/jwt_authorization_middleware.py, 1.9.0).
SDK_CONFIG_KEY = "agent_configuration"
SDK_CLAIMS_KEY = "claims_identity"  # where the decorator leaves the verified token's claims
SERVICE_URL_CLAIM = AuthenticationConstants.SERVICE_URL_CLAIM
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def auth_configuration(config: TeamsConfig) -> AgentAuthConfiguration:
    if not config.app_id:
        return AgentAuthConfiguration(anonymous_allowed=config.anonymous)
    return AgentAuthConfiguration(
        client_id=config.app_id,
        tenant_id=config.tenant_id,
        client_secret=config.app_password,
        anonymous_allowed=False,
    )


def make_adapter(config: TeamsConfig) -> CloudAdapter:
    connections = {"SERVICE_CONNECTION": auth_configuration(config)}
    manager = MsalConnectionManager(connections_configurations=connections)
    return CloudAdapter(connection_manager=manager)


def proactive_identity(config: TeamsConfig) -> ClaimsIdentity:
    """Who a proactive send claims to be: the bot's app id, or anonymous in dev mode."""
    if not config.app_id:
        return ClaimsIdentity()  # no claims at all: the SDK sends no token
    claims = {
        AuthenticationConstants.AUDIENCE_CLAIM: config.app_id,
        AuthenticationConstants.APP_ID_CLAIM: config.app_id,
    }
    return ClaimsIdentity(claims, authentication_type="Bearer")


def routes(adapter: CloudAdapter, bot: TeamsBot, config: TeamsConfig) -> Attach:
    async def process(request: web.Request) -> web.StreamResponse:
        if not await _service_url_vouched(request):
            return web.json_response({"error": "serviceUrl is not the token's"}, status=401)
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=202)

    # The SDK's check runs first: no valid token (and no dev mode), no activity.
    # (The decorator is unannotated in the SDK, hence the type: ignore.)
    messages: Handler = jwt_authorization_decorator(process)  # type: ignore[no-untyped-call]

    def attach(server: web.Application) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            server[SDK_CONFIG_KEY] = auth_configuration(config)
        server.router.add_post(ROUTE, messages)

    return attach


async def _service_url_vouched(request: web.Request) -> bool:
    """The activity's serviceUrl is on the host its token names (when the token names one).

    Replies carry the bot's own token to that URL, so a token replayed with another
    serviceUrl must not be served. Bot Framework tokens have a `serviceurl` claim; the
    SDK 1.9 compares it only when its outbound host validator is on, and that validator
    refuses every non-Microsoft host (so also a test's loopback connector).
    """
    claims = request.get(SDK_CLAIMS_KEY)
    vouched = (
        claims.get_claim_value(SERVICE_URL_CLAIM) if isinstance(claims, ClaimsIdentity) else ""
    )
    if not vouched:
        return True  # dev mode, or a token without the claim: the SDK's own rules apply
    try:
        body = await request.json()
    except ValueError:
        return True  # not JSON: the adapter answers 400
    actual = body.get("serviceUrl") if isinstance(body, dict) else None
    if _origin(str(vouched)) == _origin(str(actual or "")):
        return True
    log.warning("refused a Teams activity whose serviceUrl is not the host its token names")
    return False


def _origin(url: str) -> tuple[str, str]:
    parsed = URL(url)
    return parsed.scheme, (parsed.host or "").casefold()
