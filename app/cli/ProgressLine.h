#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTextStream>
#include <QTimer>

class CheckRunner;

/**
 * The CLI's progress while `check` runs: one line on the terminal, rewritten in place (CR and
 * "erase to end of line"), saying which step runs, how many of the TLS audit's probes are done
 * how much of a test message is sent, and how much of the run deadline is used. A tarpitting server makes a
 * run last minutes; the line shows it is not hung. Only for a terminal: with stderr redirected (scripts,
 * monitoring) nothing is written at all. The line is erased before the report is printed.
 */
class ProgressLine final : public QObject
{
    Q_OBJECT

public:
    /// Shows `runner`'s progress on `err` (stderr, which must be a terminal: see wanted()).
    ProgressLine(const CheckRunner* runner, QTextStream& err, QObject* parent = nullptr);
    ~ProgressLine() override;
    Q_DISABLE_COPY_MOVE(ProgressLine)

    /// True when stderr is a terminal.
    static bool wanted();
    /// Erases the line (before the report goes out).
    void clear();

private:
    void render();

    const CheckRunner* m_runner;
    QTextStream& m_err;
    QTimer m_tick;
    QElapsedTimer m_clock;
    int m_auditDone = 0;
    int m_auditTotal = 0;
    qint64 m_messageSent = 0;
    qint64 m_messageTotal = 0; ///< 0 until a test message is on its way
    bool m_shown = false;
};
