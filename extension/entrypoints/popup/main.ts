document.title = 'Herald';
