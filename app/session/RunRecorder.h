#pragma once

#include "run/Run.h"
#include "run/RunLimits.h"

#include <QElapsedTimer>
#include <QObject>

class LineTransport;

/**
 * Writes what happens in a conversation into its Run: transcript lines, Mailscope's own notes,
 * findings, capabilities, TLS facts and the bytes discarded after a STARTTLS go-ahead. ProbeSession
 * decides *what* is recorded; this class decides *how*: time stamps, the step a line belongs to
 * (always the last step begun), whether it travelled under TLS, and how much of it is kept.
 *
 * Everything a server controls is bounded here (RunLimits): a hostile server cannot make the run,
 * the report or the memory they need grow with what it sends. What is cut is marked in place and
 * counted in Run::truncation.
 */
class RunRecorder final : public QObject
{
    Q_OBJECT

public:
    /// `run` and `transport` outlive the recorder (both belong to the same ProbeSession).
    RunRecorder(Run& run, const LineTransport& transport, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(RunRecorder)

    /// Longest transcript text kept for one line; the rest is summarised (the GUI stays responsive).
    static constexpr qsizetype MaxTranscriptText = RunLimits::TranscriptTextChars;
    /// Server bytes as transcript text, clipped to MaxTranscriptText.
    static QString clipped(const QByteArray& bytes);

    void startClock() { m_clock.start(); }
    /// Milliseconds since startClock().
    qint64 now() const { return m_clock.elapsed(); }

    /// Mailscope's own note ('I').
    void note(const QString& text);
    /// One transcript line: 'C' client or 'I' note (server lines: recordServerLine).
    void recordLine(char dir, const QString& text);
    /// One line of a server reply; past RunLimits::TranscriptLinesPerReply lines of one reply
    /// they are counted, and endReply() records the count as one note.
    void recordServerLine(const QByteArray& line);
    /// The reply being read is over (also implied by any other entry).
    void endReply();
    /// Bytes received but never processed as protocol (after a STARTTLS go-ahead). They may
    /// arrive in several reads before the handshake starts: each is collected (a bounded prefix
    /// and exact counts), and flushDiscarded() records them as ONE entry of the step that
    /// collected the first. Returns false for no bytes.
    bool collectDiscarded(const QByteArray& bytes);
    /// Records what collectDiscarded() gathered, if anything; returns that entry (null if none).
    const TranscriptEntry* flushDiscarded();
    /// Adds a finding, attributed to the running step unless it names its own; evidence bounded.
    void addFinding(Finding finding);

    /// A step summary, bounded to RunLimits::SummaryChars.
    QString summary(const QString& text) { return bounded(text, RunLimits::SummaryChars); }
    /// Stores the capabilities read plain or over TLS, bounded in number and length.
    void setCapabilities(bool tls, const QStringList& capabilities);
    /// Stores the TLS facts and the certificate chain, their text fields bounded.
    void setTls(TlsFacts facts, QList<CertificateInfo> chain);
    /// True while another IMAP [ALERT] may be recorded; counts the ones past RunLimits::Alerts.
    bool admitAlert();

Q_SIGNALS:
    void transcriptAppended(int index);
    void findingAdded(int index);

private:
    int currentStep() const { return int(m_run.steps.size()) - 1; }
    /// `text` cut to `max` characters with a visible mark; counted in Run::truncation.
    QString bounded(const QString& text, qsizetype max);
    QStringList boundedList(const QStringList& list, int maxItems, qsizetype maxChars, int* omitted);
    /// Appends within the caps; the entry belongs to `step` (an index into Run::steps), or
    /// to the current step when it is -1.
    void append(TranscriptEntry entry, int step = -1);

    Run& m_run;
    const LineTransport& m_transport;
    QElapsedTimer m_clock;
    qsizetype m_transcriptChars = 0;
    bool m_transcriptFull = false;
    int m_replyLines = 0; ///< server lines of the reply being read
    int m_pendingLines = 0; ///< of those, counted but not kept
    qint64 m_pendingBytes = 0;
    int m_alerts = 0;
    /// Discarded bytes collected and not yet recorded.
    QByteArray m_discardedPrefix;
    qint64 m_discardedBytes = 0;
    int m_discardedLines = 0;
    bool m_discardedEndsLine = true;
    int m_discardedStep = -1;
};
