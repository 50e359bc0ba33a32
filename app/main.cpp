// The GUI entry point: everything it shows lives in mailscope_ui.
#include "i18n/Translations.h"
#include "MainWindow.h"

#include <QApplication>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Mailscope"));
    QApplication::setApplicationName(QStringLiteral("Mailscope"));
    QApplication::setApplicationVersion(QStringLiteral(MAILSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.mailscope.Mailscope"));
    Translations::install(app);

    MainWindow window;
    window.show();
    return QApplication::exec();
}
