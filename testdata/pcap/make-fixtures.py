#!/usr/bin/env python3
"""Write the offload-sized frame fixtures of testdata/pcap/ (issue 12).

A capture taken above the miniport sees the stack's large sends before the
NIC segments them, with an IP length field that says nothing:

  ipv4-tso-total-length-0.pcap   IPv4 Total Length 0: one 4000-byte TSO send
                                 and one 70000-byte send (Linux BIG TCP for
                                 IPv4), the second snapped to 128 bytes
  ipv6-bigtcp-payload-length-0.pcap
                                 IPv6 Payload Length 0, next header TCP, no
                                 hop-by-hop header (Linux BIG TCP), snapped
  ipv6-jumbo-tcp.pcap            IPv6 Payload Length 0 with a hop-by-hop Jumbo
                                 Payload option (RFC 2675: type 0xC2, length
                                 4, u32 length of the packet without the IPv6
                                 header), carrying TCP, snapped

each inside a TCP connection (handshake, the large send, an ACK of it) so
the flow it belongs to can be counted.  Frames are Ethernet II; headers are
laid out from RFC 791 (IPv4), RFC 8200 (IPv6), RFC 9293 (TCP) and RFC 2675
with correct checksums over the real lengths.  Snapped frames keep their
length on the wire in the record header (orig_len) and only the headers in
the file.  The file format is classic pcap, little-endian, microseconds
(FORMATS.md 4.2).  The expected decodings are tcpdump's and tshark's of
these files (the .out files beside them and tests/cli/bigframes.sh), not
offtrace's.

    python3 testdata/pcap/make-fixtures.py testdata/pcap
"""
import os
import struct
import sys

T0 = 1700000000


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(src_port, dst_port, seq, ack, flags, payload_len, pseudo):
    """A 20-byte TCP header (RFC 9293 3.1) and its payload (bytes 0..255)."""
    payload = bytes(i & 0xFF for i in range(payload_len))
    hdr = struct.pack("!HHIIBBHHH", src_port, dst_port, seq, ack, 5 << 4, flags,
                      65535, 0, 0)
    c = csum(pseudo(len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:], payload


def ipv4(src, dst, seg, total_zero):
    """IPv4 header (RFC 791) + segment; Total Length 0 for a TSO send."""
    hdr, payload = seg
    total = 20 + len(hdr) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0 if total_zero else total, 1, 0x4000,
                     64, 6, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + hdr + payload


def pseudo4(src, dst):
    # a TCP length past 65535 (BIG TCP) does not fit: the NIC fills in the
    # checksums of each segment it cuts anyway
    return lambda n: bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, n & 0xFFFF)


def pseudo6(src, dst):
    return lambda n: bytes(src) + bytes(dst) + struct.pack("!IxxxB", n, 6)


def ipv6(src, dst, seg, mode):
    """IPv6 header (RFC 8200) + segment.  mode: normal, bigtcp (Payload
    Length 0), jumbo (Payload Length 0 and a hop-by-hop Jumbo Payload
    option, RFC 2675)."""
    hdr, payload = seg
    upper = hdr + payload
    if mode == "jumbo":
        # next header TCP, hdr ext len 0 (8 bytes): option 0xC2, len 4, u32
        hbh_len = 8
        hbh = struct.pack("!BBBBI", 6, 0, 0xC2, 4, hbh_len + len(upper))
        return struct.pack("!IHBB16s16s", 6 << 28, 0, 0, 64, bytes(src), bytes(dst)) + hbh + upper
    plen = 0 if mode == "bigtcp" else len(upper)
    return struct.pack("!IHBB16s16s", 6 << 28, plen, 6, 64, bytes(src), bytes(dst)) + upper


def eth(ethertype, ip):
    return bytes.fromhex("020000000002" "020000000001") + struct.pack("!H", ethertype) + ip


COLS = ("frame.number", "frame.len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.len",
        "ipv6.plen", "ipv6.opt.jumbo", "tcp.srcport", "tcp.dstport", "tcp.seq_raw",
        "tcp.ack_raw", "tcp.len")


def write_expect(path, frames):
    """The columns of the .tshark files, for an IPv6 capture built here."""
    import ipaddress
    with open(path, "w") as f:
        f.write("\t".join(COLS) + "\n")
        for i, (fr, _) in enumerate(frames):
            ip = fr[14:]
            plen = struct.unpack("!H", ip[4:6])[0]
            src = str(ipaddress.IPv6Address(ip[8:24]))
            dst = str(ipaddress.IPv6Address(ip[24:40]))
            sp, dp, seq, ack = struct.unpack("!HHII", ip[40:52])
            tcplen = len(fr) - 14 - 40 - 20
            f.write("\t".join(str(v) for v in (i + 1, len(fr), "", "", src, dst, "", plen, "",
                                                 sp, dp, seq, ack, tcplen)) + "\n")


def write_pcap(path, frames):
    """frames: (frame bytes, caplen or None); usec apart from T0."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, (fr, cap) in enumerate(frames):
            cap = len(fr) if cap is None else cap
            f.write(struct.pack("<IIII", T0, 1000 * (i + 1), cap, len(fr)))
            f.write(fr[:cap])


def conn(ipf, ethertype, src, dst, big, pseudo, snap):
    """Handshake, one large send of big bytes from the client, its ACK."""
    c, s = 40000, 443
    ps_c, ps_s = pseudo(src, dst), pseudo(dst, src)
    SYN, ACK, PSH = 0x02, 0x10, 0x08
    return [
        (eth(ethertype, ipf(src, dst, tcp(c, s, 1000, 0, SYN, 0, ps_c), False)), None),
        (eth(ethertype, ipf(dst, src, tcp(s, c, 5000, 1001, SYN | ACK, 0, ps_s), False)), None),
        (eth(ethertype, ipf(src, dst, tcp(c, s, 1001, 5001, ACK, 0, ps_c), False)), None),
        (eth(ethertype, ipf(src, dst, tcp(c, s, 1001, 5001, PSH | ACK, big, ps_c), True)), snap),
        (eth(ethertype, ipf(dst, src, tcp(s, c, 5001, 1001 + big, ACK, 0, ps_s), False)), None),
    ]


def main(out):
    a4, b4 = [192, 0, 2, 1], [198, 51, 100, 2]
    a6 = [0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [1]
    b6 = [0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [2]
    v4 = lambda s, d, seg, z: ipv4(s, d, seg, z)
    frames = conn(v4, 0x0800, a4, b4, 4000, pseudo4, None)
    # a second connection: a send past 65535 bytes (BIG TCP for IPv4), snapped
    big = conn(v4, 0x0800, [192, 0, 2, 3], b4, 70000, pseudo4, 128)
    write_pcap(os.path.join(out, "ipv4-tso-total-length-0.pcap"), frames + big)
    bt = lambda s, d, seg, z: ipv6(s, d, seg, "bigtcp" if z else "normal")
    frames = conn(bt, 0x86DD, a6, b6, 90000, pseudo6, 128)
    write_pcap(os.path.join(out, "ipv6-bigtcp-payload-length-0.pcap"), frames)
    write_expect(os.path.join(out, "ipv6-bigtcp-payload-length-0.expect"), frames)
    jb = lambda s, d, seg, z: ipv6(s, d, seg, "jumbo" if z else "normal")
    write_pcap(os.path.join(out, "ipv6-jumbo-tcp.pcap"),
               conn(jb, 0x86DD, a6, b6, 70000, pseudo6, 128))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
