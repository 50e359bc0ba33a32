// bench_gui_startup: launches the bare window and the Mailscope window alternately, N times each,
// and reports the median and best time from launch to first painted frame.
//   bench_gui_startup BARE_EXE MAILSCOPE_EXE [RUNS]
#include <algorithm>
#include <ctime>
#include <QCoreApplication>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTextStream>

namespace {

double launch(const QString& exe, const QStringList& arguments = {})
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MAILSCOPE_BENCH_T0_NS"),
               QString::number(static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(exe, arguments);
    if (!p.waitForFinished(30000))
        return -1;
    return p.readAllStandardOutput().trimmed().toDouble();
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 3) {
        QTextStream(stderr) << "usage: bench_gui_startup BARE_EXE MAILSCOPE_EXE [RUNS]\n";
        return 3;
    }
    const int runs = args.size() > 3 ? args.at(3).toInt() : 15;
    QList<double> bare;
    QList<double> bareText;
    QList<double> mailscope;
    launch(args.at(1)); // warm the page cache for both: we measure start-up, not the disk
    launch(args.at(2));
    for (int i = 0; i < runs; ++i) {
        bare.append(launch(args.at(1)));
        bareText.append(launch(args.at(1), {QStringLiteral("--with-text")}));
        mailscope.append(launch(args.at(2)));
    }
    QTextStream out(stdout);
    const double b = median(bare);
    const double m = median(mailscope);
    out << "platform: " << qEnvironmentVariable("QT_QPA_PLATFORM", QStringLiteral("(default)"))
        << ", runs: " << runs << "\n";
    out << QStringLiteral("bare QMainWindow   : median %1 ms, best %2 ms\n")
               .arg(b, 0, 'f', 1)
               .arg(*std::min_element(bare.cbegin(), bare.cend()), 0, 'f', 1);
    out << QStringLiteral("bare + one QLabel  : median %1 ms, best %2 ms\n")
               .arg(median(bareText), 0, 'f', 1)
               .arg(*std::min_element(bareText.cbegin(), bareText.cend()), 0, 'f', 1);
    out << QStringLiteral("Mailscope window   : median %1 ms, best %2 ms\n")
               .arg(m, 0, 'f', 1)
               .arg(*std::min_element(mailscope.cbegin(), mailscope.cend()), 0, 'f', 1);
    out << QStringLiteral("ratio (median)     : %1x (target <= 1.5x)\n").arg(b > 0 ? m / b : 0, 0, 'f', 2);
    return 0;
}
