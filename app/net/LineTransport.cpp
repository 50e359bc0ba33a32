#include "LineTransport.h"

LineTransport::LineTransport(QObject* parent)
    : QObject(parent)
{
}

LineTransport::~LineTransport() = default;

bool LineTransport::canReadLine() const { return m_buffer.contains('\n'); }

QByteArray LineTransport::readLine()
{
    const qsizetype eol = m_buffer.indexOf('\n');
    if (eol < 0)
        return {};
    QByteArray line = m_buffer.left(eol);
    m_buffer.remove(0, eol + 1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

QByteArray LineTransport::takeUnread()
{
    QByteArray all = m_buffer + drainLowerBuffer();
    m_buffer.clear();
    return all;
}

void LineTransport::appendReceived(const QByteArray& bytes)
{
    if (bytes.isEmpty() || m_overflowed)
        return;
    m_buffer.append(bytes);
    // Only the unterminated tail can grow without bound; complete lines are checked by length too.
    const qsizetype lastEol = m_buffer.lastIndexOf('\n');
    const qsizetype tail = m_buffer.size() - (lastEol + 1);
    qsizetype longest = tail;
    for (qsizetype start = 0, eol; (eol = m_buffer.indexOf('\n', start)) >= 0; start = eol + 1)
        longest = std::max(longest, eol - start);
    if (longest > m_maxLineLength) {
        m_overflowed = true;
        Q_EMIT linesAvailable();
        return;
    }
    if (lastEol >= 0)
        Q_EMIT linesAvailable();
}
