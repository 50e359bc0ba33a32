#pragma once

#include <csignal>
#include <memory>
#include <QObject>

class QSocketNotifier;

/**
 * Turns SIGINT and SIGTERM into a Qt signal for as long as it lives (a self-pipe: the handler
 * only writes one byte, which is async-signal-safe; the event loop reads it). The previous
 * handlers are restored on destruction. One instance at a time.
 */
class TerminationSignals final : public QObject
{
    Q_OBJECT

public:
    explicit TerminationSignals(QObject* parent = nullptr);
    ~TerminationSignals() override;
    Q_DISABLE_COPY_MOVE(TerminationSignals)

    /// False when the handlers could not be installed.
    bool isOk() const { return m_ok; }

Q_SIGNALS:
    void received();

private:
    void onReadable();

    struct sigaction m_oldInt = {};
    struct sigaction m_oldTerm = {};
    std::unique_ptr<QSocketNotifier> m_notifier;
    bool m_ok = false;
};
