#include "LineTransport.h"

LineTransport::LineTransport(QObject* parent)
    : QObject(parent)
{
}

LineTransport::~LineTransport() = default;

bool LineTransport::canReadLine() const { return m_lineStart > 0; }

QByteArray LineTransport::readLine()
{
    const qsizetype eol = m_buffer.indexOf('\n');
    if (eol < 0)
        return {};
    QByteArray line = m_buffer.left(eol);
    m_buffer.remove(0, eol + 1);
    m_lineStart -= eol + 1;
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

QByteArray LineTransport::peekLine() const
{
    if (!canReadLine())
        return {};
    QByteArray line = m_buffer.left(m_buffer.indexOf('\n'));
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

QByteArray LineTransport::takeUnread()
{
    QByteArray all = m_buffer + drainLowerBuffer();
    m_buffer.clear();
    m_lineStart = 0;
    return all;
}

void LineTransport::appendReceived(const QByteArray& bytes)
{
    if (bytes.isEmpty() || m_overflowed)
        return;
    if (m_raw) {
        m_buffer.append(bytes);
        Q_EMIT bytesAvailable();
        return;
    }
    // Lines already in the buffer were measured when they arrived: only the new bytes are searched,
    // so a line that trickles in byte by byte costs linear, not quadratic, time.
    qsizetype from = m_buffer.size();
    m_buffer.append(bytes);
    // The limit is on a line's content: its ending (CRLF, or a bare LF) does not count, so a line
    // of exactly the maximum plus CRLF is accepted.
    const auto contentLength = [this](qsizetype end) {
        const qsizetype length = end - m_lineStart;
        return length > 0 && m_buffer.at(end - 1) == '\r' ? length - 1 : length;
    };
    qsizetype longest = 0;
    for (qsizetype eol; (eol = m_buffer.indexOf('\n', from)) >= 0; from = eol + 1) {
        longest = std::max(longest, contentLength(eol));
        m_lineStart = eol + 1;
    }
    // The unterminated tail; a CR at its end may be the first half of a CRLF split across reads.
    longest = std::max(longest, contentLength(m_buffer.size()));
    if (longest > m_maxLineLength) {
        m_overflowed = true;
        Q_EMIT linesAvailable();
        return;
    }
    if (canReadLine())
        Q_EMIT linesAvailable();
}
