from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


# This app won't run as expected if run as a direct script
app.run(debug=True, port=5000)
