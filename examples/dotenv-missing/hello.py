# `flask run` reads .flaskenv only when python-dotenv is installed (DEP007): without it,
# FLASK_APP is ignored and `flask run` cannot find this app.
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"
