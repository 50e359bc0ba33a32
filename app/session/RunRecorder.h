#pragma once

#include "run/Run.h"

#include <QElapsedTimer>
#include <QObject>

class LineTransport;

/**
 * Writes what happens in a conversation into its Run: transcript lines, Mailscope's own notes,
 * findings and the bytes discarded after a STARTTLS go-ahead. ProbeSession decides *what* is
 * recorded; this class decides *how*: time stamps, the step a line belongs to (always the last
 * step begun), whether it travelled under TLS, and how much of a server's text is kept.
 */
class RunRecorder final : public QObject
{
    Q_OBJECT

public:
    /// `run` and `transport` outlive the recorder (both belong to the same ProbeSession).
    RunRecorder(Run& run, const LineTransport& transport, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(RunRecorder)

    /// Longest transcript text kept for one line; the rest is summarised (the GUI stays responsive).
    static constexpr qsizetype MaxTranscriptText = 2000;
    /// Server bytes as transcript text, clipped to MaxTranscriptText.
    static QString clipped(const QByteArray& bytes);

    void startClock() { m_clock.start(); }
    /// Milliseconds since startClock().
    qint64 now() const { return m_clock.elapsed(); }

    /// Mailscope's own note ('I').
    void note(const QString& text);
    /// One transcript line: 'C' client, 'S' server, 'I' note.
    void recordLine(char dir, const QString& text, bool discarded = false);
    /// Bytes received but never processed as protocol (after a STARTTLS go-ahead), line by line.
    void recordDiscarded(const QByteArray& bytes);
    /// Adds a finding, attributed to the running step unless it names its own.
    void addFinding(Finding finding);

Q_SIGNALS:
    void transcriptAppended(int index);
    void findingAdded(int index);

private:
    int currentStep() const { return int(m_run.steps.size()) - 1; }

    Run& m_run;
    const LineTransport& m_transport;
    QElapsedTimer m_clock;
};
