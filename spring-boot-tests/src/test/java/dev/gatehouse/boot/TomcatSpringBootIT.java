package dev.gatehouse.boot;

class TomcatSpringBootIT extends SpringBootContract {
    @Override
    Container container() {
        return Container.TOMCAT;
    }
}
