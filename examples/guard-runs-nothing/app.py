from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


if __name__ == "__main__":
    # Not to be used in a production setting
    # app.run(debug=True, port=5000)
    pass
