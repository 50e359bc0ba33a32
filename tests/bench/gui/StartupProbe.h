#pragma once

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QTimer>
#include <QWidget>

/// Time since the driver's MAILSCOPE_BENCH_T0_NS (CLOCK_MONOTONIC), in ms.
inline double benchElapsedMs()
{
    const char* t0 = std::getenv("MAILSCOPE_BENCH_T0_NS");
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long long ns = static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec;
    return t0 ? double(ns - std::atoll(t0)) / 1e6 : 0.0;
}

/**
 * Prints the time from process launch (by the driver) to the first painted frame of `window`,
 * then ends the process at once: teardown is not part of start-up.
 */
class StartupProbe final : public QObject
{
public:
    explicit StartupProbe(QWidget* window)
        : m_window(window)
    {
        window->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_window && event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            // The frame is flushed after the paint events: report on the next turn of the loop.
            QTimer::singleShot(0, [] {
                std::printf("%.2f\n", benchElapsedMs());
                std::fflush(stdout);
                std::_Exit(0);
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QWidget* m_window;
    bool m_done = false;
};
