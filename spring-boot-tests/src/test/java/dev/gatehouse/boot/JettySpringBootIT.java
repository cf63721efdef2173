package dev.gatehouse.boot;

class JettySpringBootIT extends SpringBootContract {
    @Override
    Container container() {
        return Container.JETTY;
    }
}
