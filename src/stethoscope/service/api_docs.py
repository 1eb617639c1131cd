"""The API's interactive documentation at ``/api/docs``: Swagger UI, served from this
server's own files so that it works where the server cannot reach the internet (FastAPI's
default page loads its script, style sheet and icon from public CDNs).

The files come from the ``swagger-ui-bundle-v2`` package on PyPI: Swagger UI's own release
files (``swagger-ui-dist``), installed with the server like any dependency, no build step.
Swagger UI 5 is needed: FastAPI writes OpenAPI 3.1, which the 4.x of ``swagger-ui-bundle``
cannot read."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

PATH = "/api/docs"
ASSETS = f"{PATH}/assets"


def install(app: FastAPI) -> None:
    """Serve the documentation of ``app``'s OpenAPI schema at ``PATH`` and Swagger UI's
    files under ``ASSETS``. The app is made with ``docs_url=None``."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="api-docs-assets")
    app.include_router(router)


router = APIRouter()


@router.get(PATH, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    app: FastAPI = request.app
    return get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        # no badge from the public validator (Swagger UI asks validator.swagger.io to
        # check any schema not served from localhost)
        swagger_ui_parameters={"validatorUrl": None},
    )
