"""The grader's client of a kernel keeps a bounded amount of its output, on any system:
a notebook that prints gigabytes must not take the grader's memory with it. Used by the
sandboxed kernels (`sandbox`) and by the plain ones of a student's machine (`plain`).
"""
from __future__ import annotations

import collections
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient

try:
    from jupyter_client.channels import AsyncZMQSocketChannel
except ImportError:  # jupyter_client 7 (Colab's 7.4.9, the kit's floor): there the asynchronous channel has this name
    from jupyter_client.channels import ZMQSocketChannel as AsyncZMQSocketChannel  # type: ignore[assignment]
from traitlets import Type, default
from zmq.utils.monitor import parse_monitor_message

MiB = 2**20
MAX_MESSAGE = 16 * MiB      # ZMQ drops a larger message unread (a 200 MB print: grader +600 MiB without)
CELL_OUTPUT = 4 * MiB       # output kept per cell (or probe); the rest is dropped with a notice


class CappedIOPub(AsyncZMQSocketChannel):
    """IOPub keeping at most CELL_OUTPUT bytes of output per request (a cell or a probe):
    the rest is dropped unparsed and one notice says so. A message over MAX_MESSAGE makes
    ZMQ drop the connection for good; the channel reconnects and notes the loss."""

    CAPPED = ("stream", "display_data", "execute_result", "update_display_data", "comm_msg", "comm_open")

    def __init__(self, socket, session, loop=None):
        super().__init__(socket, session, loop)
        self.kept: collections.Counter = collections.Counter()
        self.ready: collections.deque = collections.deque()
        self.last_parent: dict = {}
        self.poller = zmq.asyncio.Poller()
        self._watch()

    def _watch(self) -> None:
        self.monitor = self.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.poller.register(self.socket, zmq.POLLIN)
        self.poller.register(self.monitor, zmq.POLLIN)

    async def get_msg(self, timeout: float | None = None) -> dict:  # type: ignore[override]  # the async channel
        while not self.ready:
            events = dict(await self.poller.poll(None if timeout is None else int(timeout * 1000)))
            if not events:
                raise Empty
            if self.monitor in events:
                await self._reconnect()
            if self.socket in events:
                self._take(await self.socket.recv_multipart())
        return self.ready.popleft()

    def _take(self, frames: list) -> None:
        _, frames = self.session.feed_identities(frames)
        msg = self.session.deserialize(frames, content=False)
        parent = msg["parent_header"].get("msg_id")
        if msg["msg_type"] in self.CAPPED:
            before = self.kept[parent]
            self.kept[parent] += sum(len(f) for f in frames)
            if self.kept[parent] > CELL_OUTPUT:
                if before <= CELL_OUTPUT:
                    self._notice(msg["parent_header"], f"output past the first {CELL_OUTPUT // MiB} MiB "
                                 "of this cell was not kept")
                return
        msg["content"] = self.session.unpack(msg["content"])
        self.last_parent = msg["parent_header"]
        self.ready.append(msg)

    async def _reconnect(self) -> None:
        """A fresh socket: libzmq aborts the process if one disconnects a pipe mid-message."""
        event = parse_monitor_message(await self.monitor.recv_multipart())
        self.poller.unregister(self.socket)
        self.poller.unregister(self.monitor)
        self.socket.disable_monitor()
        self.monitor.close(linger=0)
        self.socket.close(linger=0)
        self.socket = self.socket.context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.SUBSCRIBE, b"")
        self._watch()
        self.socket.connect(event["endpoint"].decode())
        if self.last_parent:
            self._notice(self.last_parent, "the kernel's output connection was reset (a single output "
                         f"over {MAX_MESSAGE // MiB} MiB, or the kernel died); output may be missing")

    def _notice(self, parent: dict, text: str) -> None:
        notice = self.session.msg("stream", {"name": "stderr", "text": f"\n[grader: {text}]\n"}, parent=parent)
        self.ready.append(notice)

    def close(self) -> None:
        self.monitor.close(linger=0)
        super().close()


class CappedClient(AsyncKernelClient):
    iopub_channel_class = Type(CappedIOPub)

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
        return context


