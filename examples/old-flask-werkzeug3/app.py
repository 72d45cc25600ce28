# `pip install -r requirements.txt` succeeds, then `import flask` fails: Flask 2.0.3 does not
# pin Werkzeug, pip picks Werkzeug 3, and Werkzeug 3 removed `url_quote` (DEP004).
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run()
