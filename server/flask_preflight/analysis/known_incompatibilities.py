"""DEP004's data: version pairs that install cleanly and then fail, which no metadata declares.

Each entry names the package that breaks (`package` in `package_versions`) when another
(`other` in `other_versions`) is installed, the exact error the user meets, the pin that
avoids it and the upgrade that removes it, and where the break is documented. Add entries
here; the check reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.version import Version


@dataclass(frozen=True)
class Incompatibility:
    package: str
    package_versions: str
    other: str
    other_versions: str
    error: str
    pin: str  # the requirement that avoids the break without upgrading `package`
    upgrade: str  # the requirement that removes the break
    source: str

    @property
    def package_specifier(self) -> SpecifierSet:
        return SpecifierSet(self.package_versions)

    @property
    def other_specifier(self) -> SpecifierSet:
        return SpecifierSet(self.other_versions)

    def breaks(self, package_version: Version | str | None, other: Version | str | None) -> bool:
        """Whether these installed versions of `package` and `other` are the broken pair."""
        return (
            package_version is not None
            and other is not None
            and self.package_specifier.contains(package_version, prereleases=True)
            and self.other_specifier.contains(other, prereleases=True)
        )


_WERKZEUG_3 = "https://werkzeug.palletsprojects.com/en/stable/changes/#version-3-0-0"
_WERKZEUG_21 = "https://werkzeug.palletsprojects.com/en/stable/changes/#version-2-1-0"
_FLASK_3 = "https://flask.palletsprojects.com/en/stable/changes/#version-3-0-0"

INCOMPATIBILITIES: tuple[Incompatibility, ...] = (
    Incompatibility(
        "flask",
        "<2.2.4",
        "werkzeug",
        ">=3.0",
        "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'",
        "Werkzeug<3.0",
        "Flask>=2.2.4",
        _WERKZEUG_3,
    ),
    Incompatibility(
        "flask",
        "<=1.1.2",
        "jinja2",
        ">=3.1",
        "ImportError: cannot import name 'escape' from 'jinja2'",
        "Jinja2<3.1",
        "Flask>=2.0",
        "https://jinja.palletsprojects.com/en/stable/changes/#version-3-1-0",
    ),
    Incompatibility(
        "flask",
        "<=1.1.2",
        "itsdangerous",
        ">=2.1",
        "ImportError: cannot import name 'json' from 'itsdangerous'",
        "itsdangerous<2.1",
        "Flask>=2.0",
        "https://itsdangerous.palletsprojects.com/en/stable/changes/#version-2-1-0",
    ),
    Incompatibility(
        "flask",
        "<=1.1.2",
        "werkzeug",
        ">=2.1",
        "ImportError: cannot import name 'BaseResponse' from 'werkzeug.wrappers'",
        "Werkzeug<2.1",
        "Flask>=2.0",
        _WERKZEUG_21,
    ),
    Incompatibility(
        "jinja2",
        "<3.0",
        "markupsafe",
        ">=2.1",
        "ImportError: cannot import name 'soft_unicode' from 'markupsafe'",
        "MarkupSafe<2.1",
        "Jinja2>=3.0",
        "https://markupsafe.palletsprojects.com/en/stable/changes/#version-2-1-0",
    ),
    Incompatibility(
        "flask-login",
        "<0.6.3",
        "werkzeug",
        ">=3.0",
        "ImportError: cannot import name 'url_decode' from 'werkzeug.urls'",
        "Werkzeug<3.0",
        "Flask-Login>=0.6.3",
        "https://github.com/maxcountryman/flask-login/blob/main/CHANGES.md",
    ),
    Incompatibility(
        "flask-login",
        "<0.6.0",
        "werkzeug",
        ">=2.1",
        "ImportError: cannot import name 'safe_str_cmp' from 'werkzeug.security'",
        "Werkzeug<2.1",
        "Flask-Login>=0.6.0",
        _WERKZEUG_21,
    ),
    Incompatibility(
        "flask-wtf",
        "<1.2.0",
        "werkzeug",
        ">=3.0",
        "ImportError: cannot import name 'url_encode' from 'werkzeug.urls'",
        "Werkzeug<3.0",
        "Flask-WTF>=1.2.0",
        "https://flask-wtf.readthedocs.io/en/latest/changes/#version-1-2-0",
    ),
    Incompatibility(
        "flask-wtf",
        "<1.2.0",
        "flask",
        ">=3.0",
        "ImportError: cannot import name 'Markup' from 'flask'",
        "Flask<3.0",
        "Flask-WTF>=1.2.0",
        "https://flask-wtf.readthedocs.io/en/latest/changes/#version-1-2-0",
    ),
    Incompatibility(
        "flask-sqlalchemy",
        "<3.0",
        "sqlalchemy",
        ">=2.0",
        "AttributeError: module 'sqlalchemy' has no attribute '__all__'",
        "SQLAlchemy<2.0",
        "Flask-SQLAlchemy>=3.0.2",
        "https://flask-sqlalchemy.palletsprojects.com/en/stable/changes/#version-3-0-2",
    ),
    Incompatibility(
        "flask-sqlalchemy",
        "<3.0",
        "flask",
        ">=3.0",
        "ImportError: cannot import name '_app_ctx_stack' from 'flask'",
        "Flask<3.0",
        "Flask-SQLAlchemy>=3.0",
        _FLASK_3,
    ),
)


@dataclass(frozen=True)
class RemovedFlaskApi:
    """A Flask API that a Flask release removed (DEP006)."""

    kind: str  # "import" (from MODULE import NAME / flask.NAME), "attribute", "keyword"
    module: str  # for "import": the module it was imported from; "keyword": the function
    name: str
    removed_in: str
    error: str
    replacement: str
    source: str

    @property
    def removed_version(self) -> Version:
        return Version(self.removed_in)


_FLASK_CHANGES = "https://flask.palletsprojects.com/en/stable/changes/#version-{}"

REMOVED_FLASK_APIS: tuple[RemovedFlaskApi, ...] = (
    *(
        RemovedFlaskApi(
            "import",
            "flask",
            name,
            "3.0",
            f"ImportError: cannot import name '{name}' from 'flask'",
            replacement,
            _FLASK_CHANGES.format("3-0-0"),
        )
        for name, replacement in (
            ("escape", "`from markupsafe import escape`"),
            ("Markup", "`from markupsafe import Markup`"),
            ("_app_ctx_stack", "`flask.g` or `current_app` (the app context)"),
            ("_request_ctx_stack", "`flask.request`/`flask.g` (the request context)"),
            ("signals_available", "nothing: signals are always available (blinker is required)"),
        )
    ),
    *(
        RemovedFlaskApi(
            "import",
            module,
            name,
            "2.3",
            f"ImportError: cannot import name '{name}' from '{module}'",
            "a custom `flask.json.provider.DefaultJSONProvider` subclass set as `app.json`",
            _FLASK_CHANGES.format("2-3-0"),
        )
        for module, name in (("flask.json", "JSONEncoder"), ("flask.json", "JSONDecoder"))
    ),
    *(
        RemovedFlaskApi(
            "import",
            module,
            "safe_join",
            "2.1",
            f"ImportError: cannot import name 'safe_join' from '{module}'",
            "`from werkzeug.utils import safe_join`",
            _FLASK_CHANGES.format("2-1-0"),
        )
        for module in ("flask", "flask.helpers")
    ),
    RemovedFlaskApi(
        "attribute",
        "",
        "before_first_request",
        "2.3",
        "AttributeError: 'Flask' object has no attribute 'before_first_request'",
        "run the setup once while creating the app (inside `with app.app_context():`)",
        _FLASK_CHANGES.format("2-3-0"),
    ),
    RemovedFlaskApi(
        "attribute",
        "",
        "before_app_first_request",
        "2.3",
        "AttributeError: 'Blueprint' object has no attribute 'before_app_first_request'",
        "run the setup once while creating the app (inside `with app.app_context():`)",
        _FLASK_CHANGES.format("2-3-0"),
    ),
    *(
        RemovedFlaskApi(
            "app-attribute",
            "",
            name,
            "2.3",
            f"setting `app.{name}` has no effect (and reading it raises AttributeError)",
            replacement,
            _FLASK_CHANGES.format("2-3-0"),
        )
        for name, replacement in (
            ("json_encoder", "a `DefaultJSONProvider` subclass assigned to `app.json`"),
            ("json_decoder", "a `DefaultJSONProvider` subclass assigned to `app.json`"),
            ("env", "`app.debug` (FLASK_DEBUG) instead of ENV/FLASK_ENV"),
            ("session_cookie_name", "`app.config['SESSION_COOKIE_NAME']`"),
            ("send_file_max_age_default", "`app.config['SEND_FILE_MAX_AGE_DEFAULT']`"),
            ("use_x_sendfile", "`app.config['USE_X_SENDFILE']`"),
            ("propagate_exceptions", "`app.config['PROPAGATE_EXCEPTIONS']`"),
            ("templates_auto_reload", "`app.config['TEMPLATES_AUTO_RELOAD']`"),
        )
    ),
    RemovedFlaskApi(
        "app-attribute",
        "",
        "got_first_request",
        "3.0",
        "AttributeError: 'Flask' object has no attribute 'got_first_request'",
        "nothing: do the setup while creating the app",
        _FLASK_CHANGES.format("3-0-0"),
    ),
    *(
        RemovedFlaskApi(
            "keyword",
            function,
            old,
            "2.2",
            f"TypeError: {function}() got an unexpected keyword argument '{old}'",
            f"`{new}=`",
            _FLASK_CHANGES.format("2-2-0"),
        )
        for function in ("send_file",)
        for old, new in (
            ("attachment_filename", "download_name"),
            ("cache_timeout", "max_age"),
            ("add_etags", "etag"),
            ("filename_or_fp", "path_or_file"),
        )
    ),
    RemovedFlaskApi(
        "keyword",
        "send_from_directory",
        "filename",
        "2.2",
        "TypeError: send_from_directory() got an unexpected keyword argument 'filename'",
        "`path=`",
        _FLASK_CHANGES.format("2-2-0"),
    ),
)
