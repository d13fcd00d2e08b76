#!/usr/bin/env python3
"""Write the .etl fixtures of testdata/etl/ (issue 12), byte by byte from
the published layouts, without offtrace:

  etl-win7-processor-byte.etl   a file of a Windows 7 logger: log-file
      header Version 6.1, NumberOfProcessors 4, buffers of processors 3, 1,
      0, 2 (in that file order) whose ClientContext is UCHAR ProcessorNumber,
      UCHAR Alignment 8 (before Windows 8; read as a u16 they are 2048 +
      the processor)
  etl-win8-processor-index.etl  the same from a Windows 8 logger: Version
      6.2, NumberOfProcessors 320, buffers of processors 0, 1 and 300, whose
      ClientContext is USHORT ProcessorIndex (read as a byte, 300 is 44)
  dump-names-with-spaces.etl    TraceLogging events whose provider name
      ("Contoso Offload Provider") and event names hold a space, a double
      quote, a backslash and a tab, and one plain event

Layouts, ../shared/FORMATS.md section 1: WMI_BUFFER_HEADER (1.2; Geoff
Chappell's WMI_BUFFER_HEADER page: 0x48 bytes, ClientContext at 0x28),
ETW_BUFFER_CONTEXT (learn.microsoft.com, evntrace.h: union { struct {
UCHAR ProcessorNumber; UCHAR Alignment; }; USHORT ProcessorIndex; }, the
Alignment "always eight"; Geoff Chappell's WMI_CLIENT_CONTEXT page: "Version
6.2 widens the 8-bit ProcessorNumber to a 16-bit ProcessorIndex"),
SYSTEM_TRACE_HEADER and EVENT_HEADER (1.5), extended data items and
TraceLogging metadata (1.6), TRACE_LOGFILE_HEADER in its 64-bit layout
(1.7; Version is VersionDetail { MajorVersion, MinorVersion, SubVersion,
SubMinorVersion }, the OS where the trace was collected).

    python3 testdata/etl/make-fixtures.py testdata/etl
"""
import os
import struct
import sys

BUF = 0x1000
QPC0 = 1000000000          # raw clock of the header event
FREQ = 10000000            # QPC ticks per second
START = 133000000000000000  # a FILETIME (2022)
PROVIDER = bytes(range(0x10, 0x20))


def buffer(cpu_bytes, records, seq, btype=0):
    """A WMI_BUFFER_HEADER (1.2) + 8-aligned records + the 0xFF fill."""
    body = b"".join(r + b"\0" * (-len(r) % 8) for r in records)
    fill = 0x48 + len(body)
    hdr = struct.pack("<IIIIQQQ", BUF, fill, fill, 0, QPC0, seq, 0)
    hdr += cpu_bytes + struct.pack("<H", 1)          # ClientContext, LoggerId 1
    hdr += struct.pack("<IIHH", 3, fill, 1, btype)   # State flush, Offset, FLUSH_MARKER
    hdr += b"\0" * 16
    assert len(hdr) == 0x48
    return (hdr + body).ljust(BUF, b"\xff")


def wstr(s):
    return s.encode("utf-16-le") + b"\0\0"


def logfile_header(major, minor, build, ncpu, nbufs):
    """SYSTEM_TRACE_HEADER64, hook 0 (1.5) + TRACE_LOGFILE_HEADER (1.7)."""
    lh = struct.pack("<IBBBBIIQIIIIIIIIQQ", 0x10000, major, minor, 1, 5, build, ncpu,
                     START + 10 ** 7, 156250, 0, 1, nbufs, 1, 8, 0, 2400, 0, 0)
    assert len(lh) == 0x48
    tz = struct.pack("<i", 0) + wstr("UTC").ljust(64, b"\0") + b"\0" * 16 + \
        struct.pack("<i", 0) + wstr("UTC").ljust(64, b"\0") + b"\0" * 16 + struct.pack("<i", 0)
    assert len(tz) == 172
    lh += tz + b"\0" * 4                                          # the pad (1.12)
    lh += struct.pack("<QQQII", START - 36000000000, FREQ, START, 1, 0)
    assert len(lh) == 0x118
    lh += wstr("fixture") + wstr("fixture.etl")
    size = 0x20 + len(lh)
    sysh = struct.pack("<HBBHHIIQII", 2, 2, 0xC0, size, 0, 4, 4, QPC0, 0, 0)
    return sysh + lh


def event(ts, eid, exts=(), payload=b""):
    """EVENT_HEADER64 (1.5) with extended data items (1.6)."""
    items = b""
    for i, (etype, data) in enumerate(exts):
        size = (8 + len(data) + 7) & ~7
        link = 1 if i + 1 < len(exts) else 0
        items += struct.pack("<HHHH", size, etype, link, len(data)) + data.ljust(size - 8, b"\0")
    size = 0x50 + len(items) + len(payload)
    h = struct.pack("<HBBHHIIQ", size, 0x13, 0xC0, 1 if exts else 0, 0, 100, 200, QPC0 + ts)
    h += PROVIDER + struct.pack("<HBBBBHQQ", eid, 0, 0, 4, 0, 0, 0, 0) + b"\0" * 16
    assert len(h) == 0x50
    return h + items + payload


def tl_meta(name):
    """TraceLogging event metadata (ext type 11): u16 size, tag, name, one
    field "v" of InType 7 (int32)."""
    body = b"\0" + name.encode() + b"\0" + b"v\0" + bytes([7])
    return struct.pack("<H", 2 + len(body)) + body


def tl_provider(name):
    """Provider traits (ext type 12): u16 size, the provider name."""
    body = name.encode() + b"\0"
    return struct.pack("<H", 2 + len(body)) + body


def write(path, bufs):
    with open(path, "wb") as f:
        for b in bufs:
            f.write(b)


def main(out):
    # Windows 7: processor byte + Alignment 8; out of processor order
    order = [3, 1, 0, 2]
    bufs = [buffer(bytes([0, 8]), [logfile_header(6, 1, 7601, 4, 1 + len(order))], 0, 4)]
    for i, cpu in enumerate(order):
        bufs.append(buffer(bytes([cpu, 8]), [event(10 * cpu + 1, 1), event(10 * cpu + 2, 2)],
                           i + 1))
    write(os.path.join(out, "etl-win7-processor-byte.etl"), bufs)
    # Windows 8: u16 ProcessorIndex past 255
    cpus = [0, 1, 300]
    bufs = [buffer(struct.pack("<H", 0), [logfile_header(6, 2, 9200, 320, 1 + len(cpus))], 0, 4)]
    for i, cpu in enumerate(cpus):
        bufs.append(buffer(struct.pack("<H", cpu), [event(cpu + 1, 1)], i + 1))
    write(os.path.join(out, "etl-win8-processor-index.etl"), bufs)
    # names for dump's text columns
    prov = (12, tl_provider("Contoso Offload Provider"))
    v = struct.pack("<i", 7)
    evs = [event(1, 1, [prov, (11, tl_meta("Offload Done"))], v),
           event(2, 2, [prov, (11, tl_meta('say "hi"\\path\tx'))], v),
           event(3, 3, [(12, tl_provider("Contoso-Plain")), (11, tl_meta("Plain"))], v)]
    bufs = [buffer(struct.pack("<H", 0), [logfile_header(10, 0, 19041, 1, 2)], 0, 4),
            buffer(struct.pack("<H", 0), evs, 1)]
    write(os.path.join(out, "dump-names-with-spaces.etl"), bufs)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
