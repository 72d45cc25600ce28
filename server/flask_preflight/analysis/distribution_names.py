"""Import names whose distribution is named differently (`yaml` comes from PyYAML), both ways."""

from __future__ import annotations

from packaging.utils import canonicalize_name

#: Import names whose distribution is named differently (for the "install X" hint).
IMPORT_TO_DISTRIBUTION = {
    "yaml": "PyYAML",
    "jwt": "PyJWT",
    "PIL": "Pillow",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "bs4": "beautifulsoup4",
    "dotenv": "python-dotenv",
    "dateutil": "python-dateutil",
    "magic": "python-magic",
    "Crypto": "pycryptodome",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "jose": "python-jose",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "attr": "attrs",
    "OpenSSL": "pyOpenSSL",
    "serial": "pyserial",
    "zmq": "pyzmq",
    "docx": "python-docx",
    "slugify": "python-slugify",
    "multipart": "python-multipart",
    "factory": "factory-boy",
    "google": "google-api-core",
    "flask_sqlalchemy": "Flask-SQLAlchemy",
    "flask_login": "Flask-Login",
    "flask_wtf": "Flask-WTF",
    "flask_cors": "Flask-Cors",
    "flask_migrate": "Flask-Migrate",
    "flask_socketio": "Flask-SocketIO",
    "flask_restful": "Flask-RESTful",
    "flask_mail": "Flask-Mail",
    "flask_caching": "Flask-Caching",
    "flask_bcrypt": "Flask-Bcrypt",
    "flask_jwt_extended": "Flask-JWT-Extended",
    "flask_limiter": "Flask-Limiter",
    "flask_session": "Flask-Session",
}

DISTRIBUTION_TO_IMPORT: dict[str, str] = {
    canonicalize_name(dist): module for module, dist in IMPORT_TO_DISTRIBUTION.items()
}
