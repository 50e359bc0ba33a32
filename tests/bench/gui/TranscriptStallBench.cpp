// bench_gui_transcript_stall: streams a 200,000-line transcript into the shown main window, the
// way the engine does (one transcriptAppended per line, lines arriving in bursts per socket read),
// and measures the longest gap of the event loop while it streams.
//   bench_gui_transcript_stall [LINES] [LINES_PER_BURST]
#include "MainWindow.h"
#include "TranscriptModel.h"

#include <algorithm>
#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QTimer>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailscopeBench"));
    const QStringList args = QApplication::arguments();
    const int total = args.size() > 1 ? args.at(1).toInt() : 200000;
    const int burst = args.size() > 2 ? args.at(2).toInt() : 500;

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    TranscriptModel* model = window.transcriptModel();

    Run run;
    run.target.host = QStringLiteral("bench.invalid");
    model->setRun(&run);
    run.transcript.reserve(total);

    // The probe: a timer that should fire every millisecond; any longer gap is a stall.
    QElapsedTimer clock;
    QList<qint64> gaps;
    gaps.reserve(1 << 20);
    qint64 last = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.append(now - last);
        last = now;
    });

    // The feeder: one burst per event-loop turn, like lines parsed from one socket read.
    int produced = 0;
    qint64 feederNs = 0;
    qint64 maxFeederNs = 0;
    QTimer feeder;
    feeder.setInterval(0);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        QElapsedTimer t;
        t.start();
        const int end = std::min(total, produced + burst);
        for (; produced < end; ++produced) {
            TranscriptEntry e;
            e.tMs = clock.elapsed();
            e.dir = produced % 2 ? 'S' : 'C';
            e.tls = produced > 10;
            e.stepIndex = 3;
            e.text = QStringLiteral("250-X-BENCH-CAPABILITY line %1 of the long transcript").arg(produced);
            run.transcript.append(e);
            model->onTranscriptAppended(produced);
        }
        const qint64 ns = t.nsecsElapsed();
        feederNs += ns;
        maxFeederNs = std::max(maxFeederNs, ns);
        if (produced >= total) {
            feeder.stop();
            // Let the last batch land and paint, then stop.
            QTimer::singleShot(100, &app, &QCoreApplication::quit);
        }
    });

    QTimer::singleShot(200, [&] {
        clock.start();
        last = 0;
        probe.start();
        feeder.start();
    });
    QApplication::exec();
    const double seconds = clock.nsecsElapsed() / 1e9;

    std::sort(gaps.begin(), gaps.end());
    const auto ms = [](qint64 ns) { return double(ns) / 1e6; };
    QTextStream out(stdout);
    out << "platform: " << QGuiApplication::platformName() << ", lines: " << total << ", burst: " << burst
        << "\n";
    out << QStringLiteral("streamed in          : %1 s (rows shown: %2)\n")
               .arg(seconds, 0, 'f', 2)
               .arg(model->rowCount());
    out << QStringLiteral("longest loop gap     : %1 ms (target <= 50 ms)\n")
               .arg(ms(gaps.isEmpty() ? 0 : gaps.constLast()), 0, 'f', 1);
    out << QStringLiteral("p99 / median gap     : %1 / %2 ms\n")
               .arg(ms(gaps.isEmpty() ? 0 : gaps.at(gaps.size() * 99 / 100)), 0, 'f', 2)
               .arg(ms(gaps.isEmpty() ? 0 : gaps.at(gaps.size() / 2)), 0, 'f', 2);
    out << QStringLiteral("feeder (engine stand-in): longest burst %1 ms, total %2 ms\n")
               .arg(ms(maxFeederNs), 0, 'f', 2)
               .arg(ms(feederNs), 0, 'f', 0);
    // Every line is shown, plus the "encrypted from here on" row the first TLS line brings.
    return model->rowCount() == total + (model->boundaryRow() >= 0 ? 1 : 0) ? 0 : 1;
}
