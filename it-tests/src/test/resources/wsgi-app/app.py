"""A small Flask application, run by uWSGI as the FastCGI proxy's managed backend (WsgiApplicationContract).

Each route shows one thing the proxy must get right for a WSGI application: SCRIPT_NAME and
PATH_INFO (routing and url_for), a large request body, a streamed response, Flask's own 404.
"""
import hashlib
import os
import time

from flask import Flask, Response, request, url_for

app = Flask(__name__)


@app.route("/users/<user_id>")
def user(user_id):
    # url_for prefixes SCRIPT_NAME: right only when the proxy sets it to the mapping
    lines = [
        "script_root=" + request.script_root,
        "path=" + request.path,
        "user=" + user_id,
        "x=" + request.args.get("x", ""),
        "url_for_user=" + url_for("user", user_id="42"),
        "url_for_upload=" + url_for("upload"),
        "big_header=" + str(len(request.headers.get("X-Big", ""))),
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@app.route("/upload", methods=["POST"])
def upload():
    digest = hashlib.sha256()
    total = 0
    while True:
        chunk = request.stream.read(65536)
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
    return Response(f"{total} {digest.hexdigest()}\n", mimetype="text/plain")


@app.route("/stream/<name>")
def stream(name):
    # the rest of the body waits for the client to say it has the first chunk: a file in RELEASE_DIR
    release = os.path.join(os.environ["RELEASE_DIR"], name)

    def chunks():
        yield "first chunk\n"
        deadline = time.monotonic() + 15
        while not os.path.exists(release):
            if time.monotonic() > deadline:
                yield "never released\n"
                return
            time.sleep(0.01)
        for i in range(1, 4):
            yield f"chunk {i}\n"

    return Response(chunks(), mimetype="text/plain")
