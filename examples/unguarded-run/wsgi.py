# What gunicorn loads (`gunicorn wsgi:app`): importing app.py runs its app.run() call.
from app import app  # noqa: F401
