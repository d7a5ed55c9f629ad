"""A bare FastAPI "hello world", served the same way as the product in bench/load_bench.py:
the yardstick that the product's throughput is divided by."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def hello() -> dict[str, str]:
    return {"hello": "world"}
