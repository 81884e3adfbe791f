"""`/docs`: the API page (Swagger UI) of every service and of the embedded gateway, served entirely by
the app itself from the `swagger-ui-bundle-v2` package (no CDN: it works offline). A person pastes a
token under "Authorize" (a dev token from var/dev-tokens.json in the embedded default) and tries
calls; the token is kept in the browser tab (`persistAuthorization`)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"


def add_docs_page(app: FastAPI, title: str, openapi_url: str = "/openapi.json") -> None:
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} – API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters={"persistAuthorization": True, "tryItOutEnabled": True},
        )
