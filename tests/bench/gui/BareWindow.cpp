// The baseline: a bare QMainWindow, built the same way as mailscope (same flags, same Qt).
//   bench_gui_bare_window [--with-text]
#include "StartupProbe.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.resize(1280, 800);
    // --with-text: one label, so the font system starts up too (the bare window draws no text).
    if (QApplication::arguments().contains(QStringLiteral("--with-text")))
        window.setCentralWidget(new QLabel(QStringLiteral("Hello"), &window));
    StartupProbe probe(&window);
    window.show();
    return QApplication::exec();
}
