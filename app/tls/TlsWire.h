#pragma once

#include <QByteArray>
#include <QtGlobal>

/**
 * The bytes of TLS's presentation language (RFC 8446 s.3, RFC 5246 s.4): big-endian integers of
 * 1 to 3 bytes and vectors prefixed by their length. What ClientHello writes and the demo's
 * LegacyTlsResponder answers with; Reader takes untrusted bytes apart for ServerHelloParser and
 * LegacyTlsResponder.
 */
namespace TlsWire {

inline void put8(QByteArray& out, quint32 v) { out.append(char(v & 0xff)); }

inline void put16(QByteArray& out, quint32 v)
{
    put8(out, v >> 8);
    put8(out, v);
}

inline void put24(QByteArray& out, quint32 v)
{
    put8(out, v >> 16);
    put16(out, v);
}

/// `body` after its length in one byte (opaque x<0..2^8-1>).
inline QByteArray vector8(const QByteArray& body)
{
    QByteArray out;
    put8(out, quint32(body.size()));
    return out + body;
}

/// `body` after its length in two bytes (opaque x<0..2^16-1>).
inline QByteArray vector16(const QByteArray& body)
{
    QByteArray out;
    put16(out, quint32(body.size()));
    return out + body;
}

/// `body` after its length in three bytes (a handshake message's body, a certificate list).
inline QByteArray vector24(const QByteArray& body)
{
    QByteArray out;
    put24(out, quint32(body.size()));
    return out + body;
}

/// A bounds-checked reader over untrusted bytes: a read past the end sets ok() false, and from
/// then on every read yields nothing (zero, empty) and left() is 0.
class Reader
{
public:
    explicit Reader(const QByteArray& data)
        : m_data(data)
    {
    }
    bool ok() const { return m_ok; }
    qsizetype left() const { return m_data.size() - m_pos; }
    quint32 u8() { return number(1); }
    quint32 u16() { return number(2); }
    quint32 u24() { return number(3); }
    QByteArray take(qsizetype n)
    {
        if (!m_ok || n < 0 || n > left()) {
            m_ok = false;
            m_pos = m_data.size();
            return {};
        }
        const QByteArray out = m_data.mid(m_pos, n);
        m_pos += n;
        return out;
    }

private:
    quint32 number(int bytes)
    {
        quint32 v = 0;
        for (char c : take(bytes))
            v = v << 8 | quint8(c);
        return v;
    }

    const QByteArray m_data; // a copy (implicitly shared): callers pass temporaries
    qsizetype m_pos = 0;
    bool m_ok = true;
};

} // namespace TlsWire
