#include "TranscriptModel.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QApplication>
#include <QPalette>

TranscriptModel::TranscriptModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_batch.setSingleShot(true);
    m_batch.setInterval(16);
    connect(&m_batch, &QTimer::timeout, this, &TranscriptModel::flush);
}

void TranscriptModel::setRun(const Run* run)
{
    beginResetModel();
    m_run = run;
    m_shown = 0;
    m_boundaryEntry = -1;
    m_batch.stop();
    endResetModel();
    if (run && !run->transcript.isEmpty())
        flush();
}

void TranscriptModel::onTranscriptAppended(int index)
{
    Q_UNUSED(index)
    if (!m_batch.isActive())
        m_batch.start();
}

void TranscriptModel::flush()
{
    m_batch.stop();
    if (!m_run)
        return;
    const int total = int(m_run->transcript.size());
    if (total <= m_shown)
        return;
    int boundary = m_boundaryEntry;
    if (boundary < 0) {
        for (int i = m_shown; i < total; ++i) {
            const TranscriptEntry& e = m_run->transcript.at(i);
            if (e.tls && !e.discarded) {
                boundary = i;
                break;
            }
        }
    }
    const int first = rowCount();
    const int added = (total - m_shown) + (boundary >= 0 && m_boundaryEntry < 0 ? 1 : 0);
    beginInsertRows({}, first, first + added - 1);
    m_shown = total;
    m_boundaryEntry = boundary;
    endInsertRows();
}

int TranscriptModel::rowForEntry(int entry) const
{
    if (entry < 0 || entry >= m_shown)
        return -1;
    return (m_boundaryEntry >= 0 && entry >= m_boundaryEntry) ? entry + 1 : entry;
}

int TranscriptModel::entryForRow(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    if (m_boundaryEntry < 0 || row < m_boundaryEntry)
        return row;
    if (row == m_boundaryEntry)
        return -1;
    return row - 1;
}

QList<int> TranscriptModel::rowsForStep(int stepIndex) const
{
    QList<int> rows;
    if (!m_run || stepIndex < 0)
        return rows;
    for (int i = 0; i < m_shown; ++i) {
        if (m_run->transcript.at(i).stepIndex == stepIndex)
            rows.append(rowForEntry(i));
    }
    return rows;
}

int TranscriptModel::find(const QString& needle, int from, bool forward) const
{
    if (!m_run || needle.isEmpty())
        return -1;
    const int rows = rowCount();
    for (int step = 0; step < rows; ++step) {
        // Wraps around, like every find bar.
        const int row = ((forward ? from + step : from - step) % rows + rows) % rows;
        const int entry = entryForRow(row);
        if (entry >= 0 && m_run->transcript.at(entry).text.contains(needle, Qt::CaseInsensitive))
            return row;
    }
    return -1;
}

QString TranscriptModel::lineText(int row) const
{
    const int entry = entryForRow(row);
    if (entry < 0)
        return row == m_boundaryEntry && row >= 0 ? QStringLiteral("-- %1 --").arg(boundaryText())
                                                  : QString();
    const TranscriptEntry& e = m_run->transcript.at(entry);
    QString prefix = QString(QLatin1Char(e.dir)) + QLatin1Char(':');
    if (e.discarded)
        prefix = QStringLiteral("S! ");
    return prefix + QLatin1Char(' ') + TerminalText::escaped(e.text);
}

int TranscriptModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return m_shown + (m_boundaryEntry >= 0 ? 1 : 0);
}

int TranscriptModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TranscriptModel::boundaryText() const
{
    if (m_run && m_run->tls && !m_run->tls->protocol.isEmpty())
        return tr("Encrypted from here on: %1, %2").arg(m_run->tls->protocol, m_run->tls->cipher);
    return tr("Encrypted from here on");
}

QVariant TranscriptModel::data(const QModelIndex& index, int role) const
{
    if (!m_run || !index.isValid())
        return {};
    const int entry = entryForRow(index.row());
    if (entry < 0) {
        // The boundary row.
        switch (role) {
        case BoundaryRole:
            return true;
        case EntryRole:
        case StepIndexRole:
            return -1;
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole:
            return index.column() == TextColumn ? boundaryText() : QString();
        case Qt::DecorationRole:
            return index.column() == TextColumn ? UiStyle::icon(QStringLiteral("lock-closed")) : QVariant();
        default:
            return {};
        }
    }
    const TranscriptEntry& e = m_run->transcript.at(entry);
    switch (role) {
    case DirectionRole:
        return QChar(QLatin1Char(e.dir));
    case TlsRole:
        return e.tls;
    case DiscardedRole:
        return e.discarded;
    case StepIndexRole:
        return e.stepIndex;
    case BoundaryRole:
        return false;
    case EntryRole:
        return entry;
    default:
        break;
    }
    switch (index.column()) {
    case TimeColumn:
        if (role == Qt::DisplayRole)
            return QStringLiteral("%1.%2").arg(e.tMs / 1000).arg(e.tMs % 1000, 3, 10, QLatin1Char('0'));
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return tr("%1 ms after the run started").arg(e.tMs);
        break;
    case DirectionColumn:
        if (role == Qt::DisplayRole)
            return e.dir == 'I' ? QString() : QString(QLatin1Char(e.dir)) + QLatin1Char(':');
        if (role == Qt::ToolTipRole || role == Qt::AccessibleTextRole) {
            const QString who = e.dir == 'C'   ? tr("Sent by Mailscope")
                                : e.dir == 'S' ? tr("Sent by the server")
                                               : tr("Mailscope's note");
            if (e.discarded)
                return tr("%1 in plaintext after the go-ahead for TLS; discarded, never processed").arg(who);
            return e.tls          ? tr("%1, encrypted").arg(who)
                   : e.dir == 'I' ? who
                                  : tr("%1, in plaintext").arg(who);
        }
        break;
    case TextColumn:
        // Server text is shown escaped: an embedded CR, LF or bidi override must not forge a line.
        if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole)
            return TerminalText::escaped(e.text);
        if (role == Qt::ToolTipRole) {
            if (e.discarded)
                return tr("Received in plaintext after the server agreed to start TLS. Mailscope discarded "
                          "it: "
                          "bytes like these are how STARTTLS injection attacks work.\n\n%1")
                    .arg(TerminalText::escaped(e.text));
            return e.text.size() > 80 ? TerminalText::escaped(e.text) : QVariant();
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant TranscriptModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time (s)");
    case DirectionColumn:
        return QString();
    case TextColumn:
        return tr("Conversation");
    default:
        return {};
    }
}
