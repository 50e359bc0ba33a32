// Mailscope's start-up exactly as app/main.cpp does it, plus the probe.
#include "MainWindow.h"
#include "StartupProbe.h"

#include <QApplication>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailscopeBench"));
    QApplication::setApplicationName(QStringLiteral("Mailscope"));
    QApplication::setApplicationVersion(QStringLiteral(MAILSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.mailscope.Mailscope"));
    MainWindow window;
    StartupProbe probe(&window);
    window.show();
    return QApplication::exec();
}
